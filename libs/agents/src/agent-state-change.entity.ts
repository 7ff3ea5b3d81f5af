import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from './agent.entity';
import type { DutyOverride, Presence } from './agent.entity';

/**
 * The agent's state from `at` until the next row: written by a trigger on agents whenever presence, the duty
 * override, activity or "holds at least one conversation" changes, whoever writes the row (desk, grace period expiry,
 * supervisor, surge mode, administration). The console's agent-state timeline reads it; the retention sweep deletes
 * rows older than AGENT_STATE_RETENTION_DAYS.
 */
@Entity('agent_state_changes')
@Index('ix_agent_state_changes_agent_at', ['agentId', 'at'])
@Index('ix_agent_state_changes_at', ['at'])
export class AgentStateChange {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id' })
  agent?: Agent;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'text' })
  presence: Presence;

  /** Holding at least one conversation (agents.open_load > 0). */
  @Column({ type: 'boolean' })
  busy: boolean;

  @Column({ name: 'duty_override', type: 'text', nullable: true })
  dutyOverride: DutyOverride;

  @Column({ type: 'boolean' })
  active: boolean;
}
