// The shell: sign-in, the header every screen shares (presence, duty, connection, language), and the two screens.
import { useCallback, useEffect, useMemo, useState } from 'react';
import * as api from './api';
import type { MeView, PresenceValue } from './contract';
import { DeskScreen } from './desk/desk-screen';
import { ConsoleScreen } from './console/console-screen';
import { AdminScreen } from './admin/admin-screen';
import { DICTIONARIES, Language, LanguageContext, useT } from './i18n';
import { closeDesk, connectDesk, type DeskSocket } from './socket';
import { TimeZoneContext } from './time-zone';
import { LoginScreen } from './sign-in';
import { type ThemeChoice, useTheme } from './theme';
import { InterfaceContext, useInterfaceSettings } from './interface-settings';
import { BrandBlock } from './brand-block';

const LANGUAGE_KEY = 'brigade.desk.language';

function useHashRoute(): string {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const listener = () => setHash(location.hash);
    window.addEventListener('hashchange', listener);
    return () => window.removeEventListener('hashchange', listener);
  }, []);
  return hash;
}

export function App() {
  const [language, setLanguage] = useState<Language>(() =>
    localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'fr',
  );
  const [signedIn, setSignedIn] = useState(api.hasSession());
  useEffect(() => {
    const unsubscribe = api.onSignedOut(() => setSignedIn(false));
    return () => {
      unsubscribe();
    };
  }, []);
  useEffect(() => {
    localStorage.setItem(LANGUAGE_KEY, language);
    document.documentElement.lang = language;
  }, [language]);
  const context = useMemo(() => ({ t: DICTIONARIES[language], language }), [language]);
  const settings = useInterfaceSettings();
  const toggleLanguage = () => setLanguage((current) => (current === 'fr' ? 'en' : 'fr'));

  return (
    <LanguageContext.Provider value={context}>
      <InterfaceContext.Provider value={settings}>
        {signedIn ? (
          <SignedInShell onToggleLanguage={toggleLanguage} />
        ) : (
          <LoginScreen onSignedIn={() => setSignedIn(true)} onToggleLanguage={toggleLanguage} />
        )}
      </InterfaceContext.Provider>
    </LanguageContext.Provider>
  );
}

/** The header's theme switch: the system's setting by default, or light or dark, kept in this browser. */
export function ThemeSwitch() {
  const t = useT();
  const [theme, setTheme] = useTheme();
  return (
    <span className="theme-switch">
      <label htmlFor="theme">{t.theme}</label>
      <select id="theme" data-testid="theme-switch" value={theme} onChange={(event) => setTheme(event.target.value as ThemeChoice)}>
        <option value="system">{t.themeSystem}</option>
        <option value="light">{t.themeLight}</option>
        <option value="dark">{t.themeDark}</option>
      </select>
    </span>
  );
}

function SignedInShell({ onToggleLanguage }: { onToggleLanguage: () => void }) {
  const t = useT();
  const hash = useHashRoute();
  const [me, setMe] = useState<MeView | null>(null);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Created in an effect (not during render) so that React's development double-mount closes its extra socket.
  const [socket, setSocket] = useState<DeskSocket | null>(null);
  useEffect(() => {
    const created = connectDesk();
    setSocket(created);
    return () => {
      closeDesk(created);
    };
  }, []);

  const refreshMe = useCallback(() => {
    api.get<MeView>('/api/me').then(setMe, (caught: Error) => setError(caught.message));
  }, []);

  useEffect(() => {
    if (!socket) return;
    const onConnect = () => {
      setConnected(true);
      refreshMe();
    };
    const onDisconnect = () => setConnected(false);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('presence:changed', refreshMe);
    // The handshake may have ended before this effect ran (a busy browser): take the state the socket is in now.
    setConnected(socket.connected);
    refreshMe();
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('presence:changed', refreshMe);
    };
  }, [socket, refreshMe]);

  async function changePresence(presence: PresenceValue) {
    setError(null);
    try {
      setMe(await api.put<MeView>('/api/me/presence', { presence }));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  // An agent or supervisor given the knowledge-base editor permission writes articles from the admin screen; the
  // permission lives with the articles, so the articles route itself says whether this agent may.
  const [knowledgeEditor, setKnowledgeEditor] = useState(false);
  useEffect(() => {
    if (!me || me.role === 'admin') return;
    let current = true;
    api.get('/api/admin/knowledge/articles?language=de&status=archived').then(
      () => current && setKnowledgeEditor(true),
      () => current && setKnowledgeEditor(false),
    );
    return () => {
      current = false;
    };
  }, [me?.id, me?.role]);

  const isSupervisor = me?.role === 'supervisor' || me?.role === 'admin';
  const canAdmin = isSupervisor || knowledgeEditor;
  const screen = isSupervisor && (hash.startsWith('#/supervision') || hash.startsWith('#/console')) ? 'console' : canAdmin && hash.startsWith('#/admin') ? 'admin' : 'desk';
  const duty = !me ? '' : me.onDuty ? t.onDuty : me.onShift ? t.onShiftNotAvailable : t.offDuty;

  return (
    <>
      <a className="skip" href="#main">
        {t.skipToContent}
      </a>
      <header className="topbar">
        <div className="topbar-brand">
          <BrandBlock />
        </div>
        {canAdmin && (
          <nav aria-label="Navigation" className="topbar-nav">
            <a href="#/" aria-current={screen === 'desk' ? 'page' : undefined}>
              {t.desk}
            </a>
            {isSupervisor && (
              <a href="#/supervision" aria-current={screen === 'console' ? 'page' : undefined}>
                {t.supervisor}
              </a>
            )}
            <a href="#/admin" aria-current={screen === 'admin' ? 'page' : undefined}>
              Administration
            </a>
          </nav>
        )}
        <div className="topbar-tools">
          <span className="me" data-testid="me">
            {me?.displayName}
          </span>
          <span className="presence">
            <label htmlFor="presence">{t.presence}</label>
            <select
              id="presence"
              value={me?.presence ?? 'offline'}
              onChange={(event) => void changePresence(event.target.value as PresenceValue)}
              disabled={!me}
            >
              <option value="available">{t.available}</option>
              <option value="away">{t.away}</option>
              <option value="offline">{t.offline}</option>
            </select>
          </span>
          <span
            className={`duty ${me?.onDuty ? 'on' : 'off'} fr-badge fr-badge--sm fr-badge--no-icon ${
              me?.onDuty ? 'fr-badge--success' : me?.onShift ? 'fr-badge--warning' : 'fr-badge--error'
            }`}
            data-testid="duty"
            role="status"
          >
            {duty}
          </span>
          <span
            className={`connection ${connected ? 'up' : 'down'} fr-badge fr-badge--sm ${connected ? 'fr-badge--success' : 'fr-badge--warning'}`}
            role="status"
            data-testid="connection"
          >
            {connected ? t.connected : t.reconnecting}
          </span>
          <ThemeSwitch />
          <button type="button" className="link" onClick={onToggleLanguage}>
            {t.language}
          </button>
          <button type="button" className="secondary" onClick={() => void api.logout()}>
            {t.signOut}
          </button>
        </div>
      </header>
      {error && (
        <p role="alert" className="error banner">
          {error}
        </p>
      )}
      {me && screen === 'desk' && me.onShift && me.presence !== 'available' && (
        <p className="hint banner" data-testid="availability-hint">
          {t.availableHint}{' '}
          <button type="button" onClick={() => void changePresence('available')}>
            {t.becomeAvailable}
          </button>
        </p>
      )}
      {me && socket && (
        <TimeZoneContext.Provider value={me.timeZone}>
          {screen === 'admin' ? (
            <AdminScreen role={me.role} knowledgeEditor={knowledgeEditor} />
          ) : screen === 'console' ? (
            <ConsoleScreen socket={socket} me={me} />
          ) : (
            <DeskScreen socket={socket} me={me} connected={connected} />
          )}
        </TimeZoneContext.Provider>
      )}
    </>
  );
}
