import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from '@brigade/agents/entities';

/** A one-time password reset code given by an administrator: stored hashed, expiring, usable once. */
@Entity('password_reset_codes')
@Index('uq_password_reset_codes_hash', ['codeHash'], { unique: true })
@Index('ix_password_reset_codes_agent', ['agentId'])
export class PasswordResetCode {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_password_reset_codes' })
  id: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_password_reset_codes_agent' })
  agent?: Agent;

  /** SHA-256 of the code: the code is random (128 bits), so a fast hash is enough and lookups stay indexed. */
  @Column({ name: 'code_hash', type: 'text' })
  codeHash: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
