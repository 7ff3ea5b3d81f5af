import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { Agent } from './agent.entity';
import { AgentIdentity } from './agent-identity.entity';
import { AuthChallenges } from './auth-challenges';
import { AgentPrincipal, AuthService, LoginContext, SignedIn } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { AuthorizationRequestChecks, OidcRelyingParty } from './oidc-relying-party';
import { SignInError } from './sign-in-error';
import { SsoSession } from './sso-session.entity';
import { profileFromClaims } from './sso-claims';

/** An SSO-provisioned account has no password: this is no argon2 hash, so no password ever matches it. */
const NO_PASSWORD = '!sso';
const STATE_TTL_MS = 10 * 60_000;
const HANDOFF_TTL_MS = 60_000;

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Single sign-on of agents with the organisation's OpenID Connect provider: sends the browser there, takes it back,
 * finds the agent by (issuer, subject) or provisions them from their claims, and hands the desk a one-minute ticket
 * that it exchanges for the usual desk tokens (no token ever travels in a URL). Signing out ends the desk session and
 * gives the provider's sign-out address.
 */
@Injectable()
export class SsoService {
  private readonly logger = new Logger(SsoService.name);
  private readonly relyingParty: OidcRelyingParty;
  /** Each start stores a pending step: anonymous callers may not start more than sign-ins allow. */
  private readonly throttle: LoginThrottle;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly challenges: AuthChallenges,
    private readonly audit: AuditService,
  ) {
    this.relyingParty = new OidcRelyingParty(config.sso);
    this.throttle = new LoginThrottle(config.auth.loginAttemptsPerMinute, 60_000);
  }

  get enabled(): boolean {
    return this.config.sso.enabled;
  }

  /** Shown on the sign-in button. */
  get displayName(): string {
    return this.config.sso.displayName;
  }

  get redirectUri(): string {
    return this.config.sso.redirectUri;
  }

  /** The sign-in cookie is Secure whenever the platform is reached over https. */
  get secureCookies(): boolean {
    return this.config.sso.redirectUri.startsWith('https:');
  }

  /** The provider's authorization URL, and a random value the browser keeps in a cookie to prove it started this. */
  async begin(context: LoginContext = {}): Promise<{ url: string; browserBinding: string }> {
    this.assertEnabled();
    if (context.ip && !this.throttle.take(context.ip)) {
      throw new SignInError('too-many-attempts', 'Trop de tentatives de connexion : réessayez dans une minute');
    }
    let request: { url: string; checks: AuthorizationRequestChecks };
    try {
      request = await this.relyingParty.authorizationUrl();
    } catch (error) {
      this.logger.warn(`OpenID Connect discovery failed: ${String(error)}`);
      throw new SignInError('sso-provider', 'Le fournisseur d’identité ne répond pas : réessayez dans un instant');
    }
    const browserBinding = randomBytes(24).toString('base64url');
    const { state, nonce, codeVerifier } = request.checks;
    await this.challenges.issue('oidc-state', null, { nonce, codeVerifier, binding: sha256(browserBinding) }, STATE_TTL_MS, state);
    return { url: request.url, browserBinding };
  }

  /**
   * The provider's redirect back: checks that this browser started the sign-in (state + cookie), exchanges the code,
   * maps the claims and returns the ticket for the desk.
   */
  async complete(callbackUrl: URL, browserBinding: string | undefined, context: LoginContext): Promise<string> {
    this.assertEnabled();
    const state = callbackUrl.searchParams.get('state') ?? '';
    const challenge = state ? await this.challenges.consume('oidc-state', state) : null;
    const data = challenge?.data as { nonce: string; codeVerifier: string; binding: string } | undefined;
    if (!data || !browserBinding || !sameHash(sha256(browserBinding), data.binding)) {
      throw new SignInError('sso-state', 'Connexion expirée ou ouverte dans un autre navigateur : recommencez');
    }
    if (callbackUrl.searchParams.get('error')) {
      throw new SignInError('sso-cancelled', 'Connexion annulée auprès du fournisseur d’identité');
    }
    let signIn;
    try {
      signIn = await this.relyingParty.complete(callbackUrl, { state, nonce: data.nonce, codeVerifier: data.codeVerifier });
    } catch (error) {
      this.logger.warn(`OpenID Connect sign-in refused: ${String(error)}`);
      throw new SignInError('sso-provider', 'La réponse du fournisseur d’identité n’a pas pu être vérifiée : recommencez');
    }
    const agent = await this.findOrProvision(signIn.issuer, signIn.subject, signIn.claims, context);
    return this.challenges.issue('sso-handoff', agent.id, { issuer: signIn.issuer, idToken: signIn.idToken }, HANDOFF_TTL_MS);
  }

  /** The desk exchanges its ticket (once, within a minute) for a desk session. */
  async exchange(ticket: string, context: LoginContext): Promise<SignedIn & { sso: true }> {
    this.assertEnabled();
    const challenge = await this.challenges.consume('sso-handoff', ticket);
    if (!challenge?.agentId) throw new SignInError('challenge-invalid', 'Connexion expirée : recommencez');
    const agent = await this.dataSource.getRepository(Agent).findOneBy({ id: challenge.agentId, active: true });
    if (!agent) throw new SignInError('sso-refused', 'Ce compte est désactivé');
    const { signedIn, sessionId } = await this.auth.openSession(agent, context, 'sso');
    const data = challenge.data as { issuer: string; idToken: string };
    await this.dataSource.getRepository(SsoSession).insert({ sessionId, issuer: data.issuer, idToken: data.idToken });
    return { ...signedIn, sso: true };
  }

  /** Ends the desk session; for a single sign-on session, also the address that signs the agent out at the provider. */
  async logout(principal: AgentPrincipal): Promise<{ endSessionUrl: string | null }> {
    const ssoSession = principal.sessionId
      ? await this.dataSource.getRepository(SsoSession).findOneBy({ sessionId: principal.sessionId })
      : null;
    await this.auth.logout(principal);
    if (!ssoSession || !this.enabled) return { endSessionUrl: null };
    try {
      return { endSessionUrl: await this.relyingParty.endSessionUrl(ssoSession.idToken) };
    } catch (error) {
      this.logger.warn(`OpenID Connect sign-out address unavailable: ${String(error)}`);
      return { endSessionUrl: null };
    }
  }

  private async findOrProvision(issuer: string, subject: string, claims: Record<string, unknown>, context: LoginContext): Promise<Agent> {
    const sso = this.config.sso;
    const outcome = profileFromClaims(claims, sso);
    if (!outcome.ok) {
      await this.audit.record({
        actorType: 'system',
        actorId: null,
        action: 'auth.sso-refused',
        subjectType: 'identity',
        subjectId: null,
        details: { issuer, subject, problem: outcome.problem, ip: context.ip ?? null },
      });
      throw new SignInError('sso-refused', 'Votre compte n’est pas autorisé à utiliser Brigade : contactez votre administrateur');
    }
    const profile = outcome.profile;
    return this.dataSource.transaction(async (manager) => {
      const identities = manager.getRepository(AgentIdentity);
      const agents = manager.getRepository(Agent);
      const identity = await identities.findOne({ where: { issuer, subject }, lock: { mode: 'pessimistic_write' } });
      if (identity) {
        const agent = await agents.findOneByOrFail({ id: identity.agentId });
        if (!agent.active) throw new SignInError('sso-refused', 'Ce compte est désactivé');
        await identities.update({ id: identity.id }, { lastSignInAt: new Date() });
        if (!sso.syncOnLogin) return agent;
        const changes: Partial<Agent> = {};
        if (agent.role !== profile.role) changes.role = profile.role;
        if (sso.skillsClaim && agent.skills.join(',') !== profile.skills.join(',')) changes.skills = profile.skills;
        if (agent.displayName !== profile.displayName) changes.displayName = profile.displayName;
        if (Object.keys(changes).length === 0) return agent;
        await agents.update({ id: agent.id }, changes);
        const before = Object.fromEntries(Object.keys(changes).map((key) => [key, agent[key as keyof Agent]]));
        await this.audit.record(
          { actorType: 'system', actorId: null, action: 'agent.sso-update', subjectType: 'agent', subjectId: agent.id, details: { before, after: changes, issuer } },
          manager,
        );
        return { ...agent, ...changes };
      }
      const existing = await agents.findOneBy({ login: profile.login });
      if (existing) {
        // Linking by login would let whoever controls that claim at the provider take over a local account.
        throw new SignInError('sso-conflict', 'Un compte local porte déjà cet identifiant : un administrateur doit le supprimer ou le renommer');
      }
      const agent = await agents.save({
        login: profile.login,
        displayName: profile.displayName,
        role: profile.role,
        skills: profile.skills,
        languages: ['fr'],
        capacity: this.config.routing.defaultCapacity,
        passwordHash: NO_PASSWORD,
      });
      await identities.insert({ agentId: agent.id, issuer, subject, lastSignInAt: new Date() });
      await this.audit.record(
        {
          actorType: 'system',
          actorId: null,
          action: 'agent.sso-provision',
          subjectType: 'agent',
          subjectId: agent.id,
          details: { issuer, subject, login: profile.login, role: profile.role, skills: profile.skills },
        },
        manager,
      );
      return agent;
    });
  }

  private assertEnabled(): void {
    if (!this.enabled) throw new SignInError('sso-disabled', 'La connexion unique n’est pas activée');
  }
}
