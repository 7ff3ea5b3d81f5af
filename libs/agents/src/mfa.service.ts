import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { randomInt } from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';
import * as QRCode from 'qrcode';
import { DataSource } from 'typeorm';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { Agent } from './agent.entity';
import { AgentMfa } from './agent-mfa.entity';
import { AuthChallenges, updateReturning } from './auth-challenges';
import { AuthService, LoginContext, SignedIn, SignInMethod } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { SecretBox } from './secret-box';
import { SignInError } from './sign-in-error';

/** A password sign-in that still needs its second factor: the desk shows the code (or enrolment) screen. */
export interface MfaRequired {
  mfaRequired: 'verify' | 'enrol';
  mfaToken: string;
  expiresIn: number;
}

export interface MfaEnrolment {
  /** The base32 secret, for typing into an authenticator that cannot read the QR code. */
  secret: string;
  otpauthUrl: string;
  /** The otpauth URL as a QR code (PNG data URL). */
  qrCode: string;
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/**
 * Recovery codes carry about 49 random bits, far beyond guessing through a rate-limited form: argon2id at the
 * OWASP minimum (19 MiB, 2 passes) keeps a stolen hash list out of reach while ten checks stay quick.
 */
const RECOVERY_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** Wrong codes of one account within the lockout window before the second factor refuses for that window. */
const ACCOUNT_FAILURES_BEFORE_LOCK = 10;

const INVALID_CODE = 'Code incorrect';
const EXPIRED = 'Étape de connexion expirée : saisissez de nouveau votre mot de passe';

function recoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/**
 * Local sign-in with a TOTP second factor (RFC 6238, 30 s, 6 digits): required of the roles in MFA_REQUIRED_ROLES and
 * of anyone enrolled. The password step returns a challenge instead of tokens; the code step (or enrolment with a
 * QR code, then recovery codes) returns the tokens. Secrets are encrypted at rest, codes accepted once, recovery
 * codes hashed with argon2 and single use, attempts limited per challenge, per address and per account, all audited.
 */
@Injectable()
export class MfaService {
  private readonly box: SecretBox;
  private readonly throttle: LoginThrottle;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly challenges: AuthChallenges,
    private readonly audit: AuditService,
  ) {
    this.box = new SecretBox(config.mfa.encryptionKey);
    this.throttle = new LoginThrottle(config.auth.loginAttemptsPerMinute, 60_000);
  }

  /** The password step: the desk tokens at once, or a challenge when a second factor is due. */
  async passwordSignIn(login: string, password: string, context: LoginContext): Promise<SignedIn | MfaRequired> {
    const agent = await this.auth.verifyPassword(login, password, context);
    const mfa = await this.dataSource.getRepository(AgentMfa).findOneBy({ agentId: agent.id });
    const step = mfa?.enabledAt ? 'verify' : this.config.mfa.requiredRoles.includes(agent.role) ? 'enrol' : null;
    if (!step) return (await this.auth.openSession(agent, context, 'password')).signedIn;
    const mfaToken = await this.challenges.issue('mfa', agent.id, { step }, this.config.mfa.challengeTtlMs);
    await this.audit.record({
      actorType: 'agent',
      actorId: agent.id,
      action: 'auth.mfa-challenge',
      subjectType: 'agent',
      subjectId: agent.id,
      details: { step, ip: context.ip ?? null },
    });
    return { mfaRequired: step, mfaToken, expiresIn: Math.floor(this.config.mfa.challengeTtlMs / 1000) };
  }

  /** A new secret for an agent who must enrol (asked again, it replaces the previous, unconfirmed one). */
  async startEnrolment(mfaToken: string, context: LoginContext): Promise<MfaEnrolment> {
    this.throttleAddress(context);
    const challenge = await this.challenges.findLive('mfa', mfaToken);
    if (!challenge?.agentId || challenge.data.step !== 'enrol') throw new SignInError('challenge-invalid', EXPIRED);
    const agent = await this.dataSource.getRepository(Agent).findOneByOrFail({ id: challenge.agentId });
    const existing = await this.dataSource.getRepository(AgentMfa).findOneBy({ agentId: agent.id });
    if (existing?.enabledAt) throw new SignInError('already-enrolled', 'La double authentification est déjà activée pour ce compte');
    const secret = generateSecret();
    await this.dataSource.getRepository(AgentMfa).upsert(
      { agentId: agent.id, secretCiphertext: this.box.seal(secret), enabledAt: null, lastTimeStep: null, recoveryCodeHashes: [] },
      ['agentId'],
    );
    const otpauthUrl = generateURI({ issuer: this.config.mfa.issuerName, label: agent.login, secret });
    const qrCode = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
    return { secret, otpauthUrl, qrCode };
  }

  /** The first code from the authenticator turns the factor on, returns the recovery codes (shown once) and signs in. */
  async confirmEnrolment(mfaToken: string, code: string, context: LoginContext): Promise<SignedIn & { recoveryCodes: string[] }> {
    const recoveryCodes = Array.from({ length: this.config.mfa.recoveryCodes }, recoveryCode);
    const hashes = await Promise.all(recoveryCodes.map((value) => argon2.hash(value, RECOVERY_HASH_OPTIONS)));
    const agentId = await this.attempt(mfaToken, 'enrol', context, async (mfa) => {
      const step = this.totpStep(mfa, code);
      if (step === null) return false;
      const updated = await updateReturning(
        this.dataSource,
        `UPDATE agent_mfa SET enabled_at = now(), last_time_step = $2, recovery_code_hashes = $3
          WHERE agent_id = $1 AND enabled_at IS NULL RETURNING agent_id`,
        [mfa.agentId, step, hashes],
      );
      return updated.length > 0;
    });
    await this.audit.record({ actorType: 'agent', actorId: agentId, action: 'auth.mfa-enrolled', subjectType: 'agent', subjectId: agentId });
    const signedIn = await this.signIn(agentId, context, 'password+totp');
    return { ...signedIn, recoveryCodes };
  }

  /** The code step: a 6-digit code from the authenticator, or one of the recovery codes (then spent). */
  async verify(mfaToken: string, code: string, context: LoginContext): Promise<SignedIn> {
    const normalized = code.trim().toLowerCase();
    let method: SignInMethod = 'password+totp';
    const agentId = await this.attempt(mfaToken, 'verify', context, async (mfa) => {
      if (/^\d{6}$/.test(normalized.replace(/\s/g, ''))) {
        const step = this.totpStep(mfa, normalized.replace(/\s/g, ''));
        if (step === null) return false;
        // Conditional: the same code presented twice at once is accepted once.
        const rows = await updateReturning(
          this.dataSource,
          `UPDATE agent_mfa SET last_time_step = $2 WHERE agent_id = $1 AND (last_time_step IS NULL OR last_time_step < $2) RETURNING agent_id`,
          [mfa.agentId, step],
        );
        return rows.length > 0;
      }
      for (const hash of mfa.recoveryCodeHashes) {
        if (!(await argon2.verify(hash, normalized).catch(() => false))) continue;
        const rows = await updateReturning<{ remaining: number }>(
          this.dataSource,
          `UPDATE agent_mfa SET recovery_code_hashes = array_remove(recovery_code_hashes, $2)
            WHERE agent_id = $1 AND $2 = ANY(recovery_code_hashes) RETURNING cardinality(recovery_code_hashes) AS remaining`,
          [mfa.agentId, hash],
        );
        if (rows.length === 0) return false;
        method = 'password+recovery-code';
        await this.audit.record({
          actorType: 'agent',
          actorId: mfa.agentId,
          action: 'auth.mfa-recovery-code-used',
          subjectType: 'agent',
          subjectId: mfa.agentId,
          details: { remaining: Number(rows[0].remaining), ip: context.ip ?? null },
        });
        return true;
      }
      return false;
    });
    return this.signIn(agentId, context, method);
  }

  /** Removes an agent's second factor (lost phone and codes); they enrol again at their next sign-in if required. */
  async reset(actorId: string, agentId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(AgentMfa).delete({ agentId });
    if (!result.affected) return false;
    await this.audit.record({ actorType: 'agent', actorId, action: 'agent.mfa-reset', subjectType: 'agent', subjectId: agentId });
    return true;
  }

  /**
   * Runs one code attempt against a live challenge of the given step. A wrong code counts against the challenge (spent
   * at the limit) and the account (refused for the lockout window past ACCOUNT_FAILURES_BEFORE_LOCK); a right one
   * spends the challenge. Returns the agent's id.
   */
  private async attempt(
    mfaToken: string,
    step: 'verify' | 'enrol',
    context: LoginContext,
    check: (mfa: AgentMfa) => Promise<boolean>,
  ): Promise<string> {
    this.throttleAddress(context);
    const challenge = await this.challenges.findLive('mfa', mfaToken);
    if (!challenge?.agentId || challenge.data.step !== step) throw new SignInError('challenge-invalid', EXPIRED);
    const agentId = challenge.agentId;
    if ((await this.recentFailures(agentId)) >= ACCOUNT_FAILURES_BEFORE_LOCK) {
      throw new SignInError('too-many-attempts', 'Trop de codes erronés pour ce compte : réessayez plus tard ou contactez un administrateur');
    }
    const mfa = await this.dataSource.getRepository(AgentMfa).findOneBy({ agentId });
    if (!mfa) throw new SignInError('challenge-invalid', EXPIRED);
    if (await check(mfa)) {
      const spent = await this.challenges.consume('mfa', mfaToken);
      if (!spent) throw new SignInError('challenge-invalid', EXPIRED);
      return agentId;
    }
    const rows = await updateReturning<{ attempts: number }>(
      this.dataSource,
      `UPDATE auth_challenges SET attempts = attempts + 1,
              consumed_at = CASE WHEN attempts + 1 >= $2 THEN now() ELSE consumed_at END
        WHERE id = $1 RETURNING attempts`,
      [challenge.id, this.config.mfa.attemptsPerChallenge],
    );
    const attempts = rows[0]?.attempts ?? this.config.mfa.attemptsPerChallenge;
    await this.audit.record({
      actorType: 'system',
      actorId: null,
      action: 'auth.mfa-failed',
      subjectType: 'agent',
      subjectId: agentId,
      details: { step, attempts, ip: context.ip ?? null },
    });
    if (attempts >= this.config.mfa.attemptsPerChallenge) throw new SignInError('too-many-attempts', `${INVALID_CODE} : ${EXPIRED.toLowerCase()}`);
    throw new SignInError('code-invalid', INVALID_CODE);
  }

  /** The time step of a valid code not used before (one step of clock drift either way), or null. */
  private totpStep(mfa: AgentMfa, code: string): number | null {
    const secret = this.box.open(mfa.secretCiphertext);
    const result = verifySync({
      secret,
      token: code,
      epochTolerance: 30,
      ...(mfa.lastTimeStep !== null ? { afterTimeStep: Number(mfa.lastTimeStep) } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  private async recentFailures(agentId: string): Promise<number> {
    const rows: { failures: string }[] = await this.dataSource.query(
      `SELECT count(*) AS failures FROM audit_events
        WHERE subject_type = 'agent' AND subject_id = $1 AND action = 'auth.mfa-failed' AND at > now() - make_interval(mins => $2)`,
      [agentId, this.config.auth.lockoutMinutes],
    );
    return Number(rows[0]?.failures ?? 0);
  }

  private throttleAddress(context: LoginContext): void {
    if (context.ip && !this.throttle.take(context.ip)) {
      throw new SignInError('too-many-attempts', 'Trop de tentatives : réessayez dans une minute');
    }
  }

  private async signIn(agentId: string, context: LoginContext, method: SignInMethod): Promise<SignedIn> {
    const agent = await this.dataSource.getRepository(Agent).findOneBy({ id: agentId, active: true });
    if (!agent) throw new SignInError('challenge-invalid', EXPIRED);
    return (await this.auth.openSession(agent, context, method)).signedIn;
  }
}
