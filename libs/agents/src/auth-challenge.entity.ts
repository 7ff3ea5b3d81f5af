import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from './agent.entity';

export type AuthChallengeKind = 'oidc-state' | 'sso-handoff' | 'mfa';

/**
 * A short-lived, single-use step of a sign-in: the state of an OpenID Connect redirect, the ticket handing an SSO
 * sign-in over to the desk, or a password sign-in waiting for its second factor. Only a hash of the token is kept.
 */
@Entity('auth_challenges')
@Index('uq_auth_challenges_token_hash', ['tokenHash'], { unique: true })
@Index('ix_auth_challenges_expires', ['expiresAt'])
export class AuthChallenge {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_auth_challenges' })
  id: string;

  @Column({ type: 'text' })
  kind: AuthChallengeKind;

  /** SHA-256 of the token the browser holds. */
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'FK_auth_challenges_agent' })
  agent?: Agent;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;

  /** Wrong codes entered against it; past the limit it is spent. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
