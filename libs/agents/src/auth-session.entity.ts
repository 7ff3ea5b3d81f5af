import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from './agent.entity';

/**
 * One signed-in desk: it holds the (hashed) refresh token, and every access token names it,
 * so that logging out or revoking it refuses its access tokens at once.
 */
@Entity('auth_sessions')
@Index('uq_auth_sessions_refresh_hash', ['refreshTokenHash'], { unique: true })
@Index('ix_auth_sessions_agent', ['agentId'])
export class AuthSession {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_auth_sessions' })
  id: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'FK_auth_sessions_agent' })
  agent?: Agent;

  /** SHA-256 of the current refresh token; rotated at each refresh. */
  @Column({ name: 'refresh_token_hash', type: 'text' })
  refreshTokenHash: string;

  /** The hash it replaced: presenting it again means the token was stolen, and the session is revoked. */
  @Column({ name: 'previous_refresh_token_hash', type: 'text', nullable: true })
  previousRefreshTokenHash: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
