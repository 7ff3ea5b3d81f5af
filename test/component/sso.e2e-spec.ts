import { CookieJar, OidcTestProvider } from '../support/oidc-provider';
import { freePort } from '../support/processes';
import { createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

interface SignedIn {
  accessToken: string;
  refreshToken: string;
  sso?: boolean;
  agent: { agentId: string; role: string; name: string };
}

const CLIENT_ID = 'brigade-desk';
const CLIENT_SECRET = 'client-secret-of-the-sso-component-test';

// Two real servers and argon2 on a busy machine: more than the default 30 s.
jest.setTimeout(120_000);

describe('single sign-on with a real OpenID Connect provider on loopback', () => {
  let platform: TestPlatform;
  let provider: OidcTestProvider;
  let platformUrl: string;

  beforeAll(async () => {
    // The platform's address is fixed first: the provider must know its callback, and the platform its own.
    const port = await freePort();
    platformUrl = `http://127.0.0.1:${port}`;
    provider = await OidcTestProvider.start({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [`${platformUrl}/api/auth/oidc/callback`],
      postLogoutRedirectUris: [`${platformUrl}/desk/`],
      accounts: {},
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
      OIDC_SKILLS_CLAIM: 'units',
      OIDC_SKILLS_MAP: 'violences-intrafamiliales=violence,cyber=cyber',
      OIDC_ALLOW_HTTP: 'true',
      MFA_REQUIRED_ROLES: 'supervisor,admin',
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => {
    await platform?.close();
    await provider?.stop();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  async function exchange(location: string): Promise<Response> {
    const ticket = decodeURIComponent(new URL(location).hash.replace(/^#sso=/, ''));
    return fetch(`${platformUrl}/api/auth/oidc/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket }),
    });
  }

  const me = (token: string) => fetch(`${platformUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });

  it('tells the sign-in screen that single sign-on is offered', async () => {
    const methods = await (await fetch(`${platformUrl}/api/auth/methods`)).json();
    expect(methods).toEqual({ password: true, sso: { displayName: 'ProConnect' } });
  });

  it('provisions an agent at the first sign-in from the claims, then finds them by issuer and subject', async () => {
    provider.setAccounts({
      'jeanne.martin': {
        email: 'Jeanne.Martin@gendarmerie.interieur.gouv.fr',
        given_name: 'Jeanne',
        family_name: 'Martin',
        groups: ['brigade-supervisors', 'staff'],
        units: ['violences-intrafamiliales'],
      },
    });
    const { location } = await OidcTestProvider.signInOverHttp(platformUrl, 'jeanne.martin');
    expect(location).toMatch(new RegExp(`^${platformUrl}/desk/#sso=`));
    const exchanged = await exchange(location);
    expect(exchanged.status).toBe(200);
    const session = (await exchanged.json()) as SignedIn;
    expect(session.sso).toBe(true);
    // Single sign-on skips the local second factor even for a supervisor: the provider authenticates.
    expect(session.agent).toMatchObject({ role: 'supervisor', name: 'Jeanne Martin' });
    const view = await (await me(session.accessToken)).json();
    expect(view).toMatchObject({ displayName: 'Jeanne Martin', role: 'supervisor' });

    const [agent] = await platform.dataSource.query(`SELECT id, login, skills, password_hash FROM agents`);
    expect(agent).toMatchObject({ login: 'jeanne.martin@gendarmerie.interieur.gouv.fr', skills: ['violence'], password_hash: '!sso' });
    const identities = await platform.dataSource.query(`SELECT issuer, subject FROM agent_identities WHERE agent_id = $1`, [agent.id]);
    expect(identities).toEqual([{ issuer: provider.issuer, subject: 'jeanne.martin' }]);
    const [provisioned] = await platform.dataSource.query(`SELECT details FROM audit_events WHERE action = 'agent.sso-provision'`);
    expect(provisioned.details).toMatchObject({ role: 'supervisor', skills: ['violence'], subject: 'jeanne.martin' });
    // The ticket is single use.
    expect((await exchange(location)).status).toBe(401);
    // No password opens an SSO-provisioned account.
    const local = await fetch(`${platformUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: agent.login, password: '!sso' }),
    });
    expect(local.status).toBe(401);

    // Her groups change at the provider: the next sign-in applies them to the same account.
    provider.setAccounts({
      'jeanne.martin': { email: 'jeanne.martin@gendarmerie.interieur.gouv.fr', name: 'Jeanne Martin', groups: ['brigade-agents'], units: ['cyber'] },
    });
    const again = (await (await exchange((await OidcTestProvider.signInOverHttp(platformUrl, 'jeanne.martin')).location)).json()) as SignedIn;
    expect(again.agent).toMatchObject({ agentId: agent.id, role: 'agent' });
    const [updated] = await platform.dataSource.query(`SELECT role, skills FROM agents WHERE id = $1`, [agent.id]);
    expect(updated).toEqual({ role: 'agent', skills: ['cyber'] });
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM agents`)).toEqual([{ n: 1 }]);
  });

  it('refuses a person none of whose groups grants access, and creates no account', async () => {
    provider.setAccounts({ visitor: { email: 'visitor@example.fr', name: 'Visiteur', groups: ['staff'] } });
    const { location } = await OidcTestProvider.signInOverHttp(platformUrl, 'visitor');
    expect(location).toBe(`${platformUrl}/desk/#sso-error=sso-refused`);
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM agents`)).toEqual([{ n: 0 }]);
    const [refused] = await platform.dataSource.query(`SELECT details FROM audit_events WHERE action = 'auth.sso-refused'`);
    expect(refused.details).toMatchObject({ subject: 'visitor', problem: 'no value of claim "groups" grants access' });
  });

  it('refuses a callback in a browser that did not start the sign-in (state bound to a cookie)', async () => {
    provider.setAccounts({ paul: { email: 'paul@example.fr', name: 'Paul', groups: ['brigade-agents'] } });
    // A jar that forgets the platform's cookie just before the callback, as another browser would.
    const jar = new CookieJar();
    const keep = jar.keep.bind(jar);
    jar.keep = (response: Response) => {
      keep(response);
      if (response.headers.get('location')?.includes('/api/auth/oidc/callback')) jar.drop('brigade_sso');
    };
    const { location } = await OidcTestProvider.signInOverHttp(platformUrl, 'paul', jar);
    expect(location).toBe(`${platformUrl}/desk/#sso-error=sso-state`);
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM agents`)).toEqual([{ n: 0 }]);
    // A forged callback with an unknown state is refused the same way.
    const forged = await fetch(`${platformUrl}/api/auth/oidc/callback?code=abc&state=forged`, { redirect: 'manual' });
    expect(forged.headers.get('location')).toBe('/desk/#sso-error=sso-state');
  });

  it('never takes over a local account whose login equals the claim', async () => {
    const local = await createAgent(platform.dataSource);
    provider.setAccounts({ intruder: { email: local.login, name: 'Intrus', groups: ['brigade-supervisors'] } });
    const { location } = await OidcTestProvider.signInOverHttp(platformUrl, 'intruder');
    expect(location).toBe(`${platformUrl}/desk/#sso-error=sso-conflict`);
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM agent_identities`)).toEqual([{ n: 0 }]);
  });

  it('signs out of the desk and gives the provider sign-out address for the session', async () => {
    provider.setAccounts({ lea: { email: 'lea@example.fr', name: 'Léa', groups: ['brigade-agents'] } });
    const session = (await (await exchange((await OidcTestProvider.signInOverHttp(platformUrl, 'lea')).location)).json()) as SignedIn;
    const logout = await fetch(`${platformUrl}/api/auth/oidc/logout`, { method: 'POST', headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(logout.status).toBe(200);
    const { endSessionUrl } = (await logout.json()) as { endSessionUrl: string };
    const url = new URL(endSessionUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${platformUrl}/desk/`);
    expect(url.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
    expect(url.searchParams.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect((await me(session.accessToken)).status).toBe(401);
    // The provider knows the ID token and shows its sign-out confirmation.
    const page = await fetch(endSessionUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('logout');
  });
});
