import { loadConfig } from '@brigade/config';
import { claimAt, profileFromClaims } from './sso-claims';

const sso = (env: Record<string, string> = {}) =>
  loadConfig({
    OIDC_ENABLED: 'true',
    OIDC_ISSUER: 'https://sso.example.fr/realms/brigade',
    OIDC_CLIENT_ID: 'brigade',
    OIDC_REDIRECT_URI: 'https://brigade.example.fr/api/auth/oidc/callback',
    OIDC_ROLES_MAP: 'brigade-agents=agent,brigade-supervisors=supervisor,brigade-admins=admin',
    OIDC_SKILLS_CLAIM: 'units',
    OIDC_SKILLS_MAP: 'cyber=cyber,violences=violence',
    ...env,
  }).sso;

describe('profileFromClaims', () => {
  it('takes the highest role any group maps to, and the skills of the mapped units', () => {
    const outcome = profileFromClaims(
      { email: 'Jeanne.Martin@Gendarmerie.Interieur.Gouv.fr', name: 'Jeanne Martin', groups: ['brigade-agents', 'brigade-supervisors', 'other'], units: ['violences', 'unknown'] },
      sso(),
    );
    expect(outcome).toEqual({
      ok: true,
      profile: { login: 'jeanne.martin@gendarmerie.interieur.gouv.fr', displayName: 'Jeanne Martin', role: 'supervisor', skills: ['violence'] },
    });
  });

  it('refuses a person none of whose groups is mapped, unless a default role is set', () => {
    const claims = { email: 'x@example.fr', groups: ['visitors'] };
    expect(profileFromClaims(claims, sso())).toEqual({ ok: false, problem: 'no value of claim "groups" grants access' });
    const outcome = profileFromClaims(claims, sso({ OIDC_DEFAULT_ROLE: 'agent' }));
    expect(outcome.ok && outcome.profile.role).toBe('agent');
  });

  it('reads nested claims (Keycloak realm roles), space-separated strings, and falls back to the default skills', () => {
    const config = sso({ OIDC_ROLES_CLAIM: 'realm_access.roles', OIDC_DEFAULT_SKILLS: 'general,accueil' });
    const outcome = profileFromClaims({ email: 'a@b.fr', realm_access: { roles: ['offline_access', 'brigade-admins'] } }, config);
    expect(outcome.ok && outcome.profile).toMatchObject({ role: 'admin', skills: ['general', 'accueil'] });
    expect(claimAt({ scope: 'a b' }, 'scope')).toBe('a b');
    const spaced = profileFromClaims({ email: 'a@b.fr', groups: 'brigade-agents other' }, sso());
    expect(spaced.ok && spaced.profile.role).toBe('agent');
  });

  it('builds the name from ProConnect claims (given_name, usual_name) and refuses a missing login claim', () => {
    const outcome = profileFromClaims({ email: 'a@b.fr', given_name: 'Paul', usual_name: 'Durand', groups: ['brigade-agents'] }, sso());
    expect(outcome.ok && outcome.profile.displayName).toBe('Paul Durand');
    expect(profileFromClaims({ groups: ['brigade-agents'] }, sso())).toEqual({ ok: false, problem: 'claim "email" is missing' });
  });
});
