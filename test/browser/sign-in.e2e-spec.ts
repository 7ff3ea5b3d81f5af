import { generateSync } from 'otplib';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { artifactPath, launchBrowser } from '../support/browser';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { OidcTestProvider } from '../support/oidc-provider';
import { freePort } from '../support/processes';
import { TestPlatform, startPlatform } from '../support/test-platform';

const CLIENT_ID = 'brigade-desk';
const CLIENT_SECRET = 'client-secret-of-the-sign-in-browser-test';

// Two servers, Chromium and argon2 on a busy machine.
jest.setTimeout(180_000);

async function waitForText(locator: Locator, predicate: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = ((await locator.count()) > 0 ? await locator.first().textContent() : null) ?? '';
    if (predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`text never matched; last: "${last}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Serious and critical axe-core violations of the page. */
async function seriousAxeViolations(page: Page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = (await page.evaluate(`axe.run(document).then((results) =>
    results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((node) => node.target) })))`)) as {
    id: string;
    impact: string;
  }[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

describe('desk sign-in screens in Chromium: single sign-on and the second factor', () => {
  let platform: TestPlatform;
  let provider: OidcTestProvider;
  let browser: Browser;
  let platformUrl: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    platformUrl = `http://127.0.0.1:${port}`;
    provider = await OidcTestProvider.start({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [`${platformUrl}/api/auth/oidc/callback`],
      postLogoutRedirectUris: [`${platformUrl}/desk/`],
      accounts: {
        'jeanne.martin': {
          email: 'jeanne.martin@gendarmerie.interieur.gouv.fr',
          given_name: 'Jeanne',
          usual_name: 'Martin',
          groups: ['brigade-agents'],
        },
      },
    });
    platform = await startPlatform({
      PORT: String(port),
      OIDC_ENABLED: 'true',
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_REDIRECT_URI: `${platformUrl}/api/auth/oidc/callback`,
      OIDC_POST_LOGOUT_REDIRECT_URI: `${platformUrl}/desk/`,
      OIDC_SCOPES: 'openid profile email groups',
      OIDC_DISPLAY_NAME: 'ProConnect',
      OIDC_ROLES_MAP: 'brigade-agents=agent,brigade-supervisors=supervisor',
      OIDC_ALLOW_HTTP: 'true',
      MFA_REQUIRED_ROLES: 'supervisor,admin',
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await provider?.stop();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function newPage(): Promise<Page> {
    // bypassCSP lets the test inject axe-core into a page whose policy only allows the platform's own scripts.
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    return page;
  }

  it('signs an agent in through the identity provider and back, then out at the provider too', async () => {
    const page = await newPage();
    await page.goto(`${platformUrl}/desk/`);
    const ssoButton = page.getByRole('link', { name: 'Se connecter avec ProConnect' });
    await ssoButton.waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: artifactPath('sign-in-sso-button.png') });

    await ssoButton.click();
    // The provider's own sign-in form (oidc-provider's development interactions), then its consent page.
    await page.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    await page.locator('input[name="login"]').fill('jeanne.martin');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    await waitForText(page.getByTestId('me'), (text) => text === 'Jeanne Martin');
    await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté');
    // The ticket of the callback is gone from the address bar.
    expect(page.url()).toBe(`${platformUrl}/desk/`);
    await page.screenshot({ path: artifactPath('sign-in-sso-signed-in.png') });
    const [login] = await platform.dataSource.query(`SELECT details FROM audit_events WHERE action = 'auth.login'`);
    expect(login.details.method).toBe('sso');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    // The provider asks to confirm, then sends the browser back to the desk's sign-in screen.
    await page.waitForURL(new RegExp(`^${provider.issuer}/session/end`));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('link', { name: 'Se connecter avec ProConnect' }).waitFor();
    expect(page.url()).toBe(`${platformUrl}/desk/`);
    const [session] = await platform.dataSource.query(`SELECT revoked_at FROM auth_sessions`);
    expect(session.revoked_at).not.toBeNull();
  });

  it('shows a French explanation when the provider does not grant access', async () => {
    provider.setAccounts({ visiteur: { email: 'visiteur@example.fr', name: 'Visiteur', groups: ['staff'] } });
    const page = await newPage();
    await page.goto(`${platformUrl}/desk/`);
    await page.getByRole('link', { name: 'Se connecter avec ProConnect' }).click();
    await page.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    await page.locator('input[name="login"]').fill('visiteur');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForText(page.getByRole('alert'), (text) => text.includes('n’est pas autorisé à utiliser Brigade'));
    expect(page.url()).toBe(`${platformUrl}/desk/`);
  });

  it('makes a supervisor enrol a TOTP authenticator from a QR code, shows the recovery codes, then asks for a code', async () => {
    const supervisor = await createAgent(platform.dataSource, { role: 'supervisor', displayName: 'Chef Dupont' });
    const page = await newPage();
    await page.goto(`${platformUrl}/desk/`);
    await page.getByLabel('Identifiant').fill(supervisor.login);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();

    await page.getByRole('heading', { name: 'Activer la double authentification' }).waitFor();
    const qr = page.getByRole('img', { name: 'QR code à scanner avec l’application d’authentification' });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // The QR code is really drawn (a 240 px image, not a broken one).
    await page.waitForFunction('document.querySelector("[data-testid=mfa-qr]").naturalWidth >= 200', undefined, { timeout: 10_000 });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: artifactPath('sign-in-mfa-enrolment.png') });

    const secret = (await page.getByTestId('mfa-secret').textContent())!;
    const enrolmentCode = generateSync({ secret });
    await page.getByLabel('Code à 6 chiffres de votre application d’authentification').fill(enrolmentCode);
    await page.getByRole('button', { name: 'Activer' }).click();

    const codes = page.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await page.screenshot({ path: artifactPath('sign-in-mfa-recovery-codes.png') });
    await page.getByRole('button', { name: 'J’ai noté mes codes, continuer' }).click();
    await waitForText(page.getByTestId('me'), (text) => text === 'Chef Dupont');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByLabel('Identifiant').fill(supervisor.login);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.getByRole('heading', { name: 'Double authentification' }).waitFor();
    const codeField = page.getByLabel('Code à 6 chiffres de votre application d’authentification');
    // The code already used at enrolment is refused; the next period's code is accepted.
    await codeField.fill(enrolmentCode);
    await page.getByRole('button', { name: 'Valider' }).click();
    await waitForText(page.getByRole('alert'), (text) => text === 'Code incorrect');
    await page.screenshot({ path: artifactPath('sign-in-mfa-code.png') });
    await codeField.fill(generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByRole('button', { name: 'Valider' }).click();
    await waitForText(page.getByTestId('me'), (text) => text === 'Chef Dupont');
  });
});
