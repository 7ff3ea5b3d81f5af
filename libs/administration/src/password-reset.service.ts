import { Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError, RateLimitedError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomInt } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AgentPrincipal, AuthService, LoginThrottle } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { auditBy } from './admin-actor';
import { PasswordResetCode } from './password-reset-code.entity';

/** How long a reset code may be used: long enough to reach a gendarme on another shift. */
export const RESET_CODE_TTL_MS = 24 * 3600_000;
// No 0/O or 1/I: the code is read out or copied by hand.
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 20; // 20 symbols of 32: 100 bits, beyond guessing even without the throttle.
const INVALID_CODE = 'Code de réinitialisation invalide, expiré ou déjà utilisé';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const normaliseCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export interface IssuedResetCode {
  agentId: string;
  /** Shown once to the administrator, never stored in clear. */
  code: string;
  expiresAt: Date;
}

/** One-time password reset codes: issued by an administrator, redeemed by the agent on the sign-in page. */
@Injectable()
export class PasswordResetService {
  private readonly throttle = new LoginThrottle(10, 60_000);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** A new code for the agent; earlier unused codes stop working. */
  async issue(actor: AgentPrincipal, agentId: string, manager: EntityManager = this.dataSource.manager): Promise<IssuedResetCode> {
    const [agent] = await manager.query(`SELECT id FROM agents WHERE id = $1 AND active`, [agentId]);
    if (!agent) throw new NotFoundError('Agent introuvable ou désactivé');
    const code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const expiresAt = new Date(Date.now() + RESET_CODE_TTL_MS);
    await manager.query(`UPDATE password_reset_codes SET used_at = now() WHERE agent_id = $1 AND used_at IS NULL`, [agentId]);
    await manager.getRepository(PasswordResetCode).insert({ agentId, codeHash: sha256(code), expiresAt, usedAt: null, createdBy: actor.agentId });
    await this.audit.record(auditBy(actor, 'agent.password-reset-issued', 'agent', agentId, { expiresAt }), manager);
    const grouped = code.match(/.{1,5}/g)!.join('-');
    return { agentId, code: grouped, expiresAt };
  }

  /** Sets a new password with a valid code; the code is spent and every signed-in session of the agent is closed. */
  async redeem(login: string, code: string, newPassword: string, ip?: string): Promise<void> {
    if (ip && !this.throttle.take(ip)) {
      throw new RateLimitedError('Trop de tentatives : réessayez dans une minute');
    }
    const passwordHash = await AuthService.hashPassword(newPassword);
    const agentId = await this.dataSource.transaction(async (manager) => {
      const rows: { id: string; agent_id: string }[] = await manager.query(
        `SELECT r.id, r.agent_id FROM password_reset_codes r JOIN agents a ON a.id = r.agent_id
          WHERE r.code_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND a.active AND a.login = $2
          FOR UPDATE OF r`,
        [sha256(normaliseCode(code)), login.trim().toLowerCase()],
      );
      if (!rows[0]) return null;
      await manager.query(`UPDATE password_reset_codes SET used_at = now() WHERE id = $1`, [rows[0].id]);
      await manager.query(
        `UPDATE agents SET password_hash = $2, failed_login_count = 0, locked_until = NULL WHERE id = $1`,
        [rows[0].agent_id, passwordHash],
      );
      await manager.query(`UPDATE auth_sessions SET revoked_at = now() WHERE agent_id = $1 AND revoked_at IS NULL`, [
        rows[0].agent_id,
      ]);
      await this.audit.record(
        { actorType: 'agent', actorId: rows[0].agent_id, action: 'auth.password-reset', subjectType: 'agent', subjectId: rows[0].agent_id, details: { ip: ip ?? null } },
        manager,
      );
      return rows[0].agent_id;
    });
    if (!agentId) throw new InvalidInputError(INVALID_CODE);
  }
}
