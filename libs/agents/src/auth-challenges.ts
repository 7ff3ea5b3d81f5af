import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthChallenge, AuthChallengeKind } from './auth-challenge.entity';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** The rows of an UPDATE ... RETURNING (TypeORM gives [rows, count] for it on PostgreSQL). */
export async function updateReturning<T>(dataSource: DataSource, sql: string, parameters: unknown[]): Promise<T[]> {
  const [rows] = (await dataSource.query(sql, parameters)) as [T[], number];
  return rows;
}

/** Single-use, short-lived sign-in steps kept in PostgreSQL (every API process sees them); tokens stored hashed. */
@Injectable()
export class AuthChallenges {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a new step and returns its token (or the given one, e.g. an OpenID Connect state). */
  async issue(
    kind: AuthChallengeKind,
    agentId: string | null,
    data: Record<string, unknown>,
    ttlMs: number,
    token: string = randomBytes(32).toString('base64url'),
  ): Promise<string> {
    // Spent and expired steps are of no use to anyone: each new one sweeps a few away.
    await this.dataSource.query(
      `DELETE FROM auth_challenges WHERE id IN (SELECT id FROM auth_challenges WHERE expires_at < now() - interval '1 hour' LIMIT 100)`,
    );
    await this.dataSource.getRepository(AuthChallenge).insert({
      kind,
      tokenHash: sha256(token),
      agentId,
      data: data as never,
      expiresAt: new Date(Date.now() + ttlMs),
    });
    return token;
  }

  /** Spends a step at once: a second call with the same token gets null, as does an expired or unknown one. */
  async consume(kind: AuthChallengeKind, token: string): Promise<AuthChallenge | null> {
    const rows = await updateReturning<Record<string, unknown>>(
      this.dataSource,
      `UPDATE auth_challenges SET consumed_at = now()
        WHERE token_hash = $1 AND kind = $2 AND consumed_at IS NULL AND expires_at > now()
        RETURNING id, agent_id, data, attempts`,
      [sha256(token), kind],
    );
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, agentId: row.agent_id, data: row.data, attempts: row.attempts, kind } as AuthChallenge;
  }

  /** A live step (not spent, not expired); several attempts may be made against it before it is spent. */
  async findLive(kind: AuthChallengeKind, token: string): Promise<AuthChallenge | null> {
    return this.dataSource
      .getRepository(AuthChallenge)
      .createQueryBuilder('c')
      .where('c.tokenHash = :hash AND c.kind = :kind AND c.consumedAt IS NULL AND c.expiresAt > now()', { hash: sha256(token), kind })
      .getOne();
  }
}
