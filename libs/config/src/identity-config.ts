import { z } from 'zod';

/**
 * Settings of single sign-on (OpenID Connect) and of the second factor (TOTP) of local accounts.
 * Single sign-on is off by default; the second factor is required only of the roles listed.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type IdentityRole = (typeof ROLES)[number];

/** Development only: a fixed key, refused in production as soon as a role requires the second factor. */
export const DEV_MFA_ENCRYPTION_KEY = 'ZGV2LW9ubHktbWZhLWtleS1jaGFuZ2UtbWUtMDEyMzQ=';

export const identityEnvironmentShape = {
  OIDC_ENABLED: booleanFromEnv.default(false),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().default(''),
  OIDC_CLIENT_SECRET: z.string().default(''),
  OIDC_REDIRECT_URI: z.string().url().optional(),
  OIDC_POST_LOGOUT_REDIRECT_URI: z.string().url().optional(),
  OIDC_SCOPES: z.string().default('openid profile email'),
  OIDC_ACR_VALUES: z.string().default(''),
  OIDC_DISPLAY_NAME: z.string().min(1).max(60).default('votre compte professionnel'),
  OIDC_USERINFO: booleanFromEnv.default(true),
  OIDC_PKCE: booleanFromEnv.default(true),
  OIDC_ID_TOKEN_ALG: z.enum(['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256']).default('RS256'),
  OIDC_USERINFO_SIGNED_ALG: z.enum(['', 'RS256', 'PS256', 'ES256', 'EdDSA', 'HS256']).default(''),
  OIDC_LOGIN_CLAIM: z.string().default('email'),
  OIDC_NAME_CLAIM: z.string().default('name'),
  OIDC_ROLES_CLAIM: z.string().default('groups'),
  OIDC_ROLES_MAP: z.string().default(''),
  OIDC_DEFAULT_ROLE: z.enum(['', ...ROLES]).default(''),
  OIDC_SKILLS_CLAIM: z.string().default(''),
  OIDC_SKILLS_MAP: z.string().default(''),
  OIDC_DEFAULT_SKILLS: z.string().default('general'),
  OIDC_SYNC_ON_LOGIN: booleanFromEnv.default(true),
  OIDC_ALLOW_HTTP: booleanFromEnv.default(false),
  MFA_REQUIRED_ROLES: z.string().default(''),
  MFA_ENCRYPTION_KEY: z.string().default(DEV_MFA_ENCRYPTION_KEY),
  MFA_ISSUER_NAME: z.string().min(1).max(60).default('Brigade'),
  MFA_CHALLENGE_TTL_SECONDS: z.coerce.number().int().min(30).max(1800).default(300),
  MFA_ATTEMPTS_PER_CHALLENGE: z.coerce.number().int().min(1).max(20).default(5),
  MFA_RECOVERY_CODES: z.coerce.number().int().min(4).max(20).default(10),
};

type IdentityEnvironment = z.infer<z.ZodObject<typeof identityEnvironmentShape>>;

export interface SsoConfig {
  enabled: boolean;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The platform's callback as registered at the provider: https://<host>/api/auth/oidc/callback. */
  redirectUri: string;
  /** Where the provider sends the browser after signing out (the desk, https://<host>/desk/); null: its own page. */
  postLogoutRedirectUri: string | null;
  scopes: string;
  /** Authentication context asked of the provider (e.g. eidas1 for ProConnect); empty: none. */
  acrValues: string;
  /** Shown on the sign-in button: "Se connecter avec <displayName>". */
  displayName: string;
  /** Also read the claims of the userinfo endpoint (ProConnect gives most claims only there). */
  userinfo: boolean;
  /** Send a PKCE challenge (S256); turn off only for a provider that refuses the parameters. */
  pkce: boolean;
  /** Algorithm the provider signs ID tokens with (as registered for the client). */
  idTokenAlg: string;
  /** The provider answers userinfo as a JWT signed with this algorithm (ProConnect); empty: plain JSON. */
  userinfoSignedAlg: string;
  /** Claim paths (dots for nested objects, e.g. realm_access.roles). */
  loginClaim: string;
  nameClaim: string;
  rolesClaim: string;
  /** Claim value -> role; the highest role of the values wins. */
  rolesMap: Record<string, IdentityRole>;
  /** Role of a person none of whose values is mapped; null: they are refused. */
  defaultRole: IdentityRole | null;
  skillsClaim: string;
  /** Claim value -> skill (the queues an agent serves follow their skills). */
  skillsMap: Record<string, string>;
  defaultSkills: string[];
  /** Apply the role and skills of the claims at every sign-in, not only at the first. */
  syncOnLogin: boolean;
  /** Development and tests only: an issuer on plain http. */
  allowHttp: boolean;
}

export interface MfaConfig {
  requiredRoles: IdentityRole[];
  /** 32 bytes (base64) encrypting the TOTP secrets at rest (AES-256-GCM). */
  encryptionKey: Buffer;
  issuerName: string;
  challengeTtlMs: number;
  attemptsPerChallenge: number;
  recoveryCodes: number;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

function pairs(name: string, value: string, problems: string[], check: (right: string) => boolean): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of list(value)) {
    const at = pair.lastIndexOf('=');
    const left = pair.slice(0, at).trim();
    const right = pair.slice(at + 1).trim();
    if (at <= 0 || !right || !check(right)) {
      problems.push(`${name}: "${pair}" is not value=target`);
      continue;
    }
    map[left] = right;
  }
  return map;
}

const isRole = (value: string): value is IdentityRole => (ROLES as readonly string[]).includes(value);

export function identityConfigFromEnv(
  e: IdentityEnvironment,
  production: boolean,
): { sso: SsoConfig; mfa: MfaConfig; problems: string[] } {
  const problems: string[] = [];
  const rolesMap = pairs('OIDC_ROLES_MAP', e.OIDC_ROLES_MAP, problems, isRole) as Record<string, IdentityRole>;
  const skillsMap = pairs('OIDC_SKILLS_MAP', e.OIDC_SKILLS_MAP, problems, (skill) => /^[a-z0-9_-]{1,40}$/.test(skill));
  const sso: SsoConfig = {
    enabled: e.OIDC_ENABLED,
    issuer: e.OIDC_ISSUER ?? '',
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    redirectUri: e.OIDC_REDIRECT_URI ?? '',
    postLogoutRedirectUri: e.OIDC_POST_LOGOUT_REDIRECT_URI ?? null,
    scopes: e.OIDC_SCOPES,
    acrValues: e.OIDC_ACR_VALUES,
    displayName: e.OIDC_DISPLAY_NAME,
    userinfo: e.OIDC_USERINFO,
    pkce: e.OIDC_PKCE,
    idTokenAlg: e.OIDC_ID_TOKEN_ALG,
    userinfoSignedAlg: e.OIDC_USERINFO_SIGNED_ALG,
    loginClaim: e.OIDC_LOGIN_CLAIM,
    nameClaim: e.OIDC_NAME_CLAIM,
    rolesClaim: e.OIDC_ROLES_CLAIM,
    rolesMap,
    defaultRole: e.OIDC_DEFAULT_ROLE || null,
    skillsClaim: e.OIDC_SKILLS_CLAIM,
    skillsMap,
    defaultSkills: list(e.OIDC_DEFAULT_SKILLS),
    syncOnLogin: e.OIDC_SYNC_ON_LOGIN,
    allowHttp: e.OIDC_ALLOW_HTTP,
  };
  if (sso.enabled) {
    if (!sso.issuer) problems.push('OIDC_ISSUER: required when OIDC_ENABLED');
    if (!sso.clientId) problems.push('OIDC_CLIENT_ID: required when OIDC_ENABLED');
    if (!sso.redirectUri) problems.push('OIDC_REDIRECT_URI: required when OIDC_ENABLED (https://<host>/api/auth/oidc/callback)');
    if (!sso.scopes.split(/\s+/).includes('openid')) problems.push('OIDC_SCOPES: must include openid');
    if (Object.keys(sso.rolesMap).length === 0 && !sso.defaultRole) {
      problems.push('OIDC_ROLES_MAP: map at least one claim value to a role, or set OIDC_DEFAULT_ROLE');
    }
    if (production && sso.allowHttp) problems.push('OIDC_ALLOW_HTTP: development and tests only');
    if (!sso.allowHttp && sso.issuer.startsWith('http:')) problems.push('OIDC_ISSUER: must be https (OIDC_ALLOW_HTTP is for tests)');
  }

  const requiredRoles = list(e.MFA_REQUIRED_ROLES);
  const badRole = requiredRoles.find((role) => !isRole(role));
  if (badRole) problems.push(`MFA_REQUIRED_ROLES: "${badRole}" is not one of ${ROLES.join(', ')}`);
  const encryptionKey = Buffer.from(e.MFA_ENCRYPTION_KEY, 'base64');
  if (encryptionKey.length !== 32) problems.push('MFA_ENCRYPTION_KEY: must be 32 bytes in base64 (openssl rand -base64 32)');
  if (production && requiredRoles.length > 0 && e.MFA_ENCRYPTION_KEY === DEV_MFA_ENCRYPTION_KEY) {
    problems.push('MFA_ENCRYPTION_KEY: the development default is refused in production');
  }
  const mfa: MfaConfig = {
    requiredRoles: requiredRoles.filter(isRole),
    encryptionKey,
    issuerName: e.MFA_ISSUER_NAME,
    challengeTtlMs: e.MFA_CHALLENGE_TTL_SECONDS * 1000,
    attemptsPerChallenge: e.MFA_ATTEMPTS_PER_CHALLENGE,
    recoveryCodes: e.MFA_RECOVERY_CODES,
  };
  return { sso, mfa, problems };
}
