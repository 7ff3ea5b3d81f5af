import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from './agent.entity';

/**
 * An agent's account at an OpenID Connect provider: single sign-on finds the agent by (issuer, subject), never by
 * e-mail or login, which a provider may reassign.
 */
@Entity('agent_identities')
@Index('uq_agent_identities_subject', ['issuer', 'subject'], { unique: true })
@Index('ix_agent_identities_agent', ['agentId'])
export class AgentIdentity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_agent_identities' })
  id: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'FK_agent_identities_agent' })
  agent?: Agent;

  @Column({ type: 'text' })
  issuer: string;

  @Column({ type: 'text' })
  subject: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_sign_in_at', type: 'timestamptz', nullable: true })
  lastSignInAt: Date | null;
}
