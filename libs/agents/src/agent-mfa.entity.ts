import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Agent } from './agent.entity';

/** An agent's TOTP second factor: the secret encrypted at rest, and the argon2 hashes of the unused recovery codes. */
@Entity('agent_mfa')
export class AgentMfa {
  @PrimaryColumn({ name: 'agent_id', type: 'uuid', primaryKeyConstraintName: 'PK_agent_mfa' })
  agentId: string;

  @OneToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'FK_agent_mfa_agent' })
  agent?: Agent;

  /** AES-256-GCM of the base32 secret with MFA_ENCRYPTION_KEY (iv.tag.ciphertext, base64url). */
  @Column({ name: 'secret_ciphertext', type: 'text' })
  secretCiphertext: string;

  /** Null while enrolment awaits its first code: the factor is not in force yet. */
  @Column({ name: 'enabled_at', type: 'timestamptz', nullable: true })
  enabledAt: Date | null;

  /** The time step of the last accepted code: a code is accepted once. */
  @Column({ name: 'last_time_step', type: 'bigint', nullable: true })
  lastTimeStep: string | null;

  /** One hash per recovery code still unused; a used code is removed. */
  @Column({ name: 'recovery_code_hashes', type: 'text', array: true, default: () => "'{}'" })
  recoveryCodeHashes: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
