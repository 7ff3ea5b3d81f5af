import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const AGENT_ROLES = ['agent', 'supervisor', 'admin'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const PRESENCES = ['available', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

/** 'on' puts a reinforcement on duty outside the roster, 'off' takes someone off duty; null follows the roster. */
export type DutyOverride = 'on' | 'off' | null;

@Entity('agents')
export class Agent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_agents_login', { unique: true })
  @Column({ type: 'text' })
  login: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ type: 'text', default: 'agent' })
  role: AgentRole;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  skills: string[];

  @Column({ type: 'text', array: true, default: () => "'{fr}'" })
  languages: string[];

  @Column({ type: 'int', default: 4 })
  capacity: number;

  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  @Column({ type: 'text', default: 'offline' })
  presence: Presence;

  @Column({ name: 'duty_override', type: 'text', nullable: true })
  dutyOverride: DutyOverride;

  /**
   * Set when the agent's last desk connection (every tab and device) dropped; cleared on reconnection. Past the
   * presence grace period the agent is set offline and their conversations are re-routed.
   */
  @Column({ name: 'disconnected_at', type: 'timestamptz', nullable: true })
  disconnectedAt: Date | null;

  /**
   * Conversations the agent holds now (status 'assigned'), kept exact by a database trigger on conversations:
   * routing reads it instead of counting. Never written by the application.
   */
  @Column({ name: 'open_load', type: 'int', default: 0, select: false, insert: false, update: false })
  openLoad: number;

  @Column({ name: 'last_assigned_at', type: 'timestamptz', nullable: true })
  lastAssignedAt: Date | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** On the reserve list: surge mode may put them on duty for a few hours (and tells them so). */
  @Column({ type: 'boolean', default: false })
  reserve: boolean;

  /** Where surge reinforcement calls are mailed, when the administrators gave one. */
  @Column({ type: 'text', nullable: true })
  email: string | null;

  /** Consecutive failed logins; reset by a successful one. */
  @Column({ name: 'failed_login_count', type: 'int', default: 0 })
  failedLoginCount: number;

  /** Too many failed logins lock the account until then. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
