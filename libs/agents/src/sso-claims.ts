import type { SsoConfig } from '@brigade/config';
import type { AgentRole } from './agent.entity';

/** What the platform takes from a person's OpenID Connect claims, decided by configuration only. */
export interface SsoProfile {
  login: string;
  displayName: string;
  role: AgentRole;
  skills: string[];
}

export type SsoProfileOutcome = { ok: true; profile: SsoProfile } | { ok: false; problem: string };

const ROLE_RANK: Record<AgentRole, number> = { agent: 0, supervisor: 1, admin: 2 };

/** A claim by path ("groups", "realm_access.roles", "resource_access.brigade.roles"). */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (!path) return undefined;
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A claim's values as strings: a list, one string, or a space- or comma-separated string. */
function values(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((item): item is string => typeof item === 'string');
  if (typeof claim === 'string') return claim.split(/[\s,]+/).filter(Boolean);
  return [];
}

const text = (claim: unknown): string => (typeof claim === 'string' ? claim.trim() : '');

/**
 * Maps claims to the agent's login, name, role and skills. The highest role any value maps to wins; a person with
 * no mapped value gets the default role, or is refused when there is none.
 */
export function profileFromClaims(claims: Record<string, unknown>, config: SsoConfig): SsoProfileOutcome {
  const login = text(claimAt(claims, config.loginClaim)).toLowerCase();
  if (!login) return { ok: false, problem: `claim "${config.loginClaim}" is missing` };
  if (login.length > 100) return { ok: false, problem: `claim "${config.loginClaim}" is too long` };

  const roleValues = values(claimAt(claims, config.rolesClaim));
  const mapped = roleValues.map((value) => config.rolesMap[value]).filter((role): role is AgentRole => Boolean(role));
  const role = mapped.sort((a, b) => ROLE_RANK[b] - ROLE_RANK[a])[0] ?? config.defaultRole;
  if (!role) return { ok: false, problem: `no value of claim "${config.rolesClaim}" grants access` };

  const skillValues = config.skillsClaim ? values(claimAt(claims, config.skillsClaim)) : [];
  const skills = [...new Set(skillValues.map((value) => config.skillsMap[value]).filter((skill): skill is string => Boolean(skill)))];

  const given = text(claims.given_name);
  const family = text(claims.usual_name) || text(claims.family_name);
  const displayName = (text(claimAt(claims, config.nameClaim)) || [given, family].filter(Boolean).join(' ') || login).slice(0, 120);
  return { ok: true, profile: { login, displayName, role, skills: skills.length > 0 ? skills : config.defaultSkills } };
}
