import { Inject, Injectable } from '@nestjs/common';
import { LockedError, RateLimitedError, UnauthenticatedError } from '@brigade/errors';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { Agent, AgentRole } from './agent.entity';
import { AuthSession } from './auth-session.entity';
import { LoginThrottle } from './login-throttle';

export interface AgentPrincipal {
  agentId: string;
  role: AgentRole;
  name: string;
  /** The signed-in session the token belongs to. */
  sessionId?: string;
}

export interface LoginContext {
  ip?: string;
  userAgent?: string;
}

/** How the agent proved who they are; recorded with each sign-in. */
export type SignInMethod = 'password' | 'password+totp' | 'password+recovery-code' | 'sso';

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  agent: AgentPrincipal;
}

interface AccessTokenClaims {
  sub: string;
  role: AgentRole;
  name: string;
  sid: string;
  typ: 'access';
}

const INVALID_CREDENTIALS = 'Identifiant ou mot de passe incorrect';

// Verifying against a real hash when the login is unknown keeps the response time from revealing which logins exist.
const UNKNOWN_LOGIN_HASH = argon2.hash('unknown-login-placeholder');

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * Desk sign-in: argon2 passwords, lockout after repeated failures, short-lived access tokens tied to a session,
 * rotating refresh tokens with reuse detection, and logout that revokes the session's access tokens at once.
 */
@Injectable()
export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
  ) {
    this.throttle = new LoginThrottle(config.auth.loginAttemptsPerMinute, 60_000);
  }

  static hashPassword(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async login(login: string, password: string, context: LoginContext = {}): Promise<SignedIn> {
    const agent = await this.verifyPassword(login, password, context);
    return (await this.openSession(agent, context, 'password')).signedIn;
  }

  /**
   * The agent whose login and password these are (first step of a sign-in), counting failures towards the lockout.
   * Opens no session: the caller may still ask for a second factor.
   */
  async verifyPassword(login: string, password: string, context: LoginContext = {}): Promise<Agent> {
    if (context.ip && !this.throttle.take(context.ip)) {
      throw new RateLimitedError('Trop de tentatives de connexion : réessayez dans une minute');
    }
    const agents = this.dataSource.getRepository(Agent);
    const agent = await agents
      .createQueryBuilder('agent')
      .addSelect('agent.passwordHash')
      .where('agent.login = :login', { login: login.trim().toLowerCase() })
      .getOne();
    const now = new Date();
    if (agent?.lockedUntil && agent.lockedUntil > now) {
      await argon2.verify(await UNKNOWN_LOGIN_HASH, password).catch(() => false);
      throw new LockedError('Compte verrouillé après plusieurs échecs : réessayez plus tard ou contactez un administrateur');
    }
    const valid = await argon2.verify(agent?.passwordHash ?? (await UNKNOWN_LOGIN_HASH), password).catch(() => false);
    if (!agent || !agent.active || !valid) {
      if (agent) await this.recordFailure(agent, context);
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    if (agent.failedLoginCount > 0 || agent.lockedUntil) {
      await agents.update({ id: agent.id }, { failedLoginCount: 0, lockedUntil: null });
    }
    return agent;
  }

  /** Opens a desk session for an agent whose identity is established (password, second factor, or single sign-on). */
  async openSession(
    agent: Pick<Agent, 'id' | 'role' | 'displayName'>,
    context: LoginContext,
    method: SignInMethod,
  ): Promise<{ signedIn: SignedIn; sessionId: string }> {
    const now = new Date();
    const principal: AgentPrincipal = { agentId: agent.id, role: agent.role, name: agent.displayName };
    const refreshToken = randomBytes(32).toString('base64url');
    const session = await this.dataSource.getRepository(AuthSession).save({
      agentId: agent.id,
      refreshTokenHash: sha256(refreshToken),
      previousRefreshTokenHash: null,
      expiresAt: new Date(now.getTime() + this.config.auth.refreshTokenTtlHours * 3_600_000),
      revokedAt: null,
      userAgent: context.userAgent?.slice(0, 300) ?? null,
      ip: context.ip ?? null,
    });
    await this.audit.record({
      actorType: 'agent',
      actorId: agent.id,
      action: 'auth.login',
      subjectType: 'agent',
      subjectId: agent.id,
      details: { ip: context.ip ?? null, method },
    });
    return { signedIn: await this.signedIn({ ...principal, sessionId: session.id }, refreshToken), sessionId: session.id };
  }

  /** Exchanges a refresh token for a new pair; an old token presented again revokes the whole session. */
  async refresh(refreshToken: string): Promise<SignedIn> {
    const hash = sha256(refreshToken);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const sessions = manager.getRepository(AuthSession);
      const reused = await sessions.findOne({ where: { previousRefreshTokenHash: hash }, lock: { mode: 'pessimistic_write' } });
      if (reused) {
        // Committed before refusing: the revocation must stand.
        await sessions.update({ id: reused.id }, { revokedAt: new Date() });
        await this.audit.record(
          { actorType: 'agent', actorId: reused.agentId, action: 'auth.refresh-reuse', subjectType: 'session', subjectId: reused.id },
          manager,
        );
        return null;
      }
      const session = await sessions.findOne({ where: { refreshTokenHash: hash }, lock: { mode: 'pessimistic_write' } });
      if (!session || session.revokedAt || session.expiresAt <= new Date()) return null;
      const agent = await manager.getRepository(Agent).findOneBy({ id: session.agentId });
      if (!agent || !agent.active) return null;
      const next = randomBytes(32).toString('base64url');
      await sessions.update({ id: session.id }, { refreshTokenHash: sha256(next), previousRefreshTokenHash: hash });
      return { principal: { agentId: agent.id, role: agent.role, name: agent.displayName, sessionId: session.id }, next };
    });
    if (!outcome) throw new UnauthenticatedError('Session expirée : reconnectez-vous');
    return this.signedIn(outcome.principal, outcome.next);
  }

  async logout(principal: AgentPrincipal): Promise<void> {
    if (!principal.sessionId) return;
    await this.dataSource.getRepository(AuthSession).update({ id: principal.sessionId }, { revokedAt: new Date() });
    await this.audit.record({ actorType: 'agent', actorId: principal.agentId, action: 'auth.logout', subjectType: 'session', subjectId: principal.sessionId });
  }

  /** Revokes every session of an agent (deactivation, password reset, suspected theft). */
  async revokeAllSessions(agentId: string): Promise<void> {
    await this.dataSource.query(`UPDATE auth_sessions SET revoked_at = now() WHERE agent_id = $1 AND revoked_at IS NULL`, [agentId]);
  }

  issueAccessToken(principal: AgentPrincipal & { sessionId: string }): Promise<string> {
    const claims: AccessTokenClaims = {
      sub: principal.agentId,
      role: principal.role,
      name: principal.name,
      sid: principal.sessionId,
      typ: 'access',
    };
    return this.jwt.signAsync(claims);
  }

  /**
   * The principal of a valid access token whose session is still open, or null for anything else
   * (expired, tampered, wrong type, logged out, agent deactivated).
   */
  async verifyAccessToken(token: string | undefined | null): Promise<AgentPrincipal | null> {
    if (!token) return null;
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      return null;
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return null;
    const rows: { role: AgentRole; display_name: string }[] = await this.dataSource.query(
      `SELECT a.role, a.display_name FROM auth_sessions s JOIN agents a ON a.id = s.agent_id
        WHERE s.id = $1 AND s.agent_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND a.active`,
      [claims.sid, claims.sub],
    );
    if (!rows[0]) return null;
    // The role is read from the database, so a demotion takes effect without waiting for the token to expire.
    return { agentId: claims.sub, role: rows[0].role, name: rows[0].display_name, sessionId: claims.sid };
  }

  private async signedIn(principal: AgentPrincipal & { sessionId: string }, refreshToken: string): Promise<SignedIn> {
    return {
      accessToken: await this.issueAccessToken(principal),
      refreshToken,
      expiresIn: this.config.auth.accessTokenTtlSeconds,
      agent: { agentId: principal.agentId, role: principal.role, name: principal.name },
    };
  }

  private async recordFailure(agent: Agent, context: LoginContext): Promise<void> {
    const failures = agent.failedLoginCount + 1;
    const lock = failures >= this.config.auth.maxFailedLogins;
    await this.dataSource.getRepository(Agent).update(
      { id: agent.id },
      {
        failedLoginCount: lock ? 0 : failures,
        lockedUntil: lock ? new Date(Date.now() + this.config.auth.lockoutMinutes * 60_000) : agent.lockedUntil,
      },
    );
    await this.audit.record({
      actorType: 'system',
      actorId: null,
      action: lock ? 'auth.locked' : 'auth.login-failed',
      subjectType: 'agent',
      subjectId: agent.id,
      details: { ip: context.ip ?? null, failures },
    });
  }
}
