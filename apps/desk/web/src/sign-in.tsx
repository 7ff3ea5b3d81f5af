// The sign-in screens: password (and single sign-on button), then the second factor when due: a code, or the
// enrolment with a QR code followed by the recovery codes. Also takes back the browser from single sign-on.
import { useEffect, useState } from 'react';
import * as api from './api';
import { useT } from './i18n';
import { BrandBlock } from './brand-block';

type Stage =
  | { kind: 'password' }
  | { kind: 'verify'; challenge: api.MfaChallenge }
  | { kind: 'enrol'; challenge: api.MfaChallenge; enrolment: api.MfaEnrolment | null }
  | { kind: 'recovery'; codes: string[] };

/**
 * The single sign-on callback lands on /desk/#sso=<ticket> or /desk/#sso-error=<reason>, and the provider's sign-out
 * on /desk/?state=<random>: both are removed from the address bar.
 */
function takeSsoFragment(): { ticket?: string; error?: string } {
  if (new URLSearchParams(location.search).has('state')) history.replaceState(null, '', location.pathname + location.hash);
  const hash = location.hash;
  const found = /^#sso=(.+)$/.exec(hash) ?? /^#sso-error=(.+)$/.exec(hash);
  if (!found) return {};
  history.replaceState(null, '', location.pathname + location.search);
  return hash.startsWith('#sso=') ? { ticket: decodeURIComponent(found[1]) } : { error: found[1] };
}

export function LoginScreen({ onSignedIn, onToggleLanguage }: { onSignedIn: () => void; onToggleLanguage: () => void }) {
  const t = useT();
  const [stage, setStage] = useState<Stage>({ kind: 'password' });
  const [methods, setMethods] = useState<api.AuthMethods | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = t.appTitle;
  }, [t]);
  useEffect(() => {
    api.authMethods().then(setMethods, () => setMethods({ password: true, sso: null }));
    const { ticket, error: ssoError } = takeSsoFragment();
    if (ssoError) setError(t.ssoErrors[ssoError] ?? t.ssoFailed);
    if (ticket) {
      setBusy(true);
      api.exchangeSsoTicket(ticket).then(onSignedIn, (caught: Error) => {
        setError(caught.message || t.ssoFailed);
        setBusy(false);
      });
    }
    // Once, on arrival: the fragment is consumed.
  }, []);

  async function run(step: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      // A spent or expired challenge cannot be retried: back to the password.
      if (caught instanceof api.ApiError && caught.status === 429 && stage.kind !== 'password') setStage({ kind: 'password' });
    } finally {
      setBusy(false);
    }
  }

  function submitPassword(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(async () => {
      const challenge = await api.login(String(form.get('login')), String(form.get('password')));
      if (!challenge) return onSignedIn();
      if (challenge.step === 'verify') return setStage({ kind: 'verify', challenge });
      setStage({ kind: 'enrol', challenge, enrolment: await api.startMfaEnrolment(challenge) });
    });
  }

  function submitCode(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code')).trim();
    void run(async () => {
      if (stage.kind === 'verify') {
        await api.verifyMfa(stage.challenge, code);
        onSignedIn();
      } else if (stage.kind === 'enrol') {
        setStage({ kind: 'recovery', codes: await api.confirmMfaEnrolment(stage.challenge, code) });
      }
    });
  }

  const errorLine = error && (
    <p id="login-error" role="alert" className="error">
      {error}
    </p>
  );

  return (
    <main className="login" id="main">
      <div className="login-brand">
        <BrandBlock />
      </div>
      <h1>{t.appTitle}</h1>
      {stage.kind === 'password' && (
        <>
          <form onSubmit={submitPassword} aria-describedby={error ? 'login-error' : undefined}>
            <label htmlFor="login-id">{t.loginId}</label>
            <input id="login-id" name="login" autoComplete="username" required autoFocus />
            <label htmlFor="login-password">{t.password}</label>
            <input id="login-password" name="password" type="password" autoComplete="current-password" required />
            {errorLine}
            <button type="submit" disabled={busy}>
              {t.signIn}
            </button>
          </form>
          {methods?.sso && (
            <>
              <p className="separator">{t.or}</p>
              <a className="button sso" href="/api/auth/oidc/start" data-testid="sso">
                {t.signInWith} {methods.sso.displayName}
              </a>
            </>
          )}
        </>
      )}
      {(stage.kind === 'verify' || stage.kind === 'enrol') && (
        <section aria-labelledby="mfa-title">
          <h2 id="mfa-title">{stage.kind === 'verify' ? t.mfaTitle : t.mfaEnrolTitle}</h2>
          {stage.kind === 'enrol' && stage.enrolment && (
            <div className="enrolment">
              <p>{t.mfaEnrolIntro}</p>
              <img src={stage.enrolment.qrCode} alt={t.mfaQrAlt} width={240} height={240} data-testid="mfa-qr" />
              <p className="help">
                {t.mfaSecretLabel} <code data-testid="mfa-secret">{stage.enrolment.secret}</code>
              </p>
            </div>
          )}
          <form onSubmit={submitCode} aria-describedby={error ? 'login-error' : undefined}>
            <label htmlFor="mfa-code">{t.mfaCodeLabel}</label>
            <input id="mfa-code" name="code" autoComplete="one-time-code" inputMode={stage.kind === 'enrol' ? 'numeric' : 'text'} required autoFocus maxLength={20} />
            {stage.kind === 'verify' && <p className="help">{t.mfaCodeHelp}</p>}
            {errorLine}
            <button type="submit" disabled={busy}>
              {stage.kind === 'verify' ? t.mfaVerify : t.mfaEnrolConfirm}
            </button>
          </form>
          <button type="button" className="link" onClick={() => setStage({ kind: 'password' })}>
            {t.back}
          </button>
        </section>
      )}
      {stage.kind === 'recovery' && (
        <section aria-labelledby="recovery-title">
          <h2 id="recovery-title">{t.mfaRecoveryTitle}</h2>
          <p>{t.mfaRecoveryIntro}</p>
          <ul className="recovery-codes" data-testid="recovery-codes">
            {stage.codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
          <button type="button" onClick={onSignedIn}>
            {t.mfaRecoveryDone}
          </button>
        </section>
      )}
      <button type="button" className="link" onClick={onToggleLanguage}>
        {t.language}
      </button>
    </main>
  );
}
