import { ConfigValidationError, loadConfig } from './app-config';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
};

describe('single sign-on and second factor settings', () => {
  it('are off by default: no SSO, no role requires a second factor', () => {
    const config = loadConfig({});
    expect(config.sso.enabled).toBe(false);
    expect(config.mfa.requiredRoles).toEqual([]);
    expect(config.mfa.encryptionKey).toHaveLength(32);
  });

  it('lists what an enabled SSO lacks, and refuses an unknown role or a malformed map', () => {
    expect(problems({ OIDC_ENABLED: 'true', OIDC_ROLES_MAP: 'admins=root', MFA_REQUIRED_ROLES: 'supervisor,chief' })).toEqual([
      'OIDC_ROLES_MAP: "admins=root" is not value=target',
      'OIDC_ISSUER: required when OIDC_ENABLED',
      'OIDC_CLIENT_ID: required when OIDC_ENABLED',
      'OIDC_REDIRECT_URI: required when OIDC_ENABLED (https://<host>/api/auth/oidc/callback)',
      'OIDC_ROLES_MAP: map at least one claim value to a role, or set OIDC_DEFAULT_ROLE',
      'MFA_REQUIRED_ROLES: "chief" is not one of agent, supervisor, admin',
    ]);
  });

  it('parses the claim maps', () => {
    const { sso } = loadConfig({
      OIDC_ENABLED: 'true',
      OIDC_ISSUER: 'https://sso.example.fr/realms/brigade',
      OIDC_CLIENT_ID: 'brigade',
      OIDC_REDIRECT_URI: 'https://brigade.example.fr/api/auth/oidc/callback',
      OIDC_ROLES_MAP: 'brigade-agents=agent, cn=chefs=supervisor',
      OIDC_SKILLS_MAP: 'violences=violence',
    });
    expect(sso.rolesMap).toEqual({ 'brigade-agents': 'agent', 'cn=chefs': 'supervisor' });
    expect(sso.skillsMap).toEqual({ violences: 'violence' });
  });

  it('refuses in production the development key when a role requires the factor, and a plain-http issuer', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
      WEBCHAT_TOKEN_SECRET: 'another-production-secret-of-32-characters',
      WEBCHAT_ALLOWED_ORIGINS: 'https://www.example.fr',
    };
    expect(problems({ ...production, MFA_REQUIRED_ROLES: 'admin' })).toEqual([
      'MFA_ENCRYPTION_KEY: the development default is refused in production',
    ]);
    expect(
      problems({
        ...production,
        OIDC_ENABLED: 'true',
        OIDC_ISSUER: 'http://sso.example.fr',
        OIDC_CLIENT_ID: 'brigade',
        OIDC_REDIRECT_URI: 'https://brigade.example.fr/api/auth/oidc/callback',
        OIDC_DEFAULT_ROLE: 'agent',
        OIDC_ALLOW_HTTP: 'true',
      }),
    ).toEqual(['OIDC_ALLOW_HTTP: development and tests only']);
    expect(problems({ MFA_ENCRYPTION_KEY: 'c2hvcnQ=' })).toEqual(['MFA_ENCRYPTION_KEY: must be 32 bytes in base64 (openssl rand -base64 32)']);
  });
});
