import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A topic queue as the administrators define it, the single source of truth for its settings: routing reads its
 * required skill and no-reply delay, the supervisor views its service levels and the retention purge its retention
 * days at every decision; the triage menu is built from the active queues (cached briefly, dropped on any change).
 * An edit applies without a restart.
 */
@Entity('queues')
export class QueueDefinition {
  /** The name conversations carry in conversations.queue (e.g. 'violence'); never renamed. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_queues' })
  key: string;

  @Column({ name: 'name_fr', type: 'text' })
  nameFr: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn: string;

  /** The name in the other languages citizens may write in (de, it, es); a missing one reads the English name. */
  @Column({ name: 'name_translations', type: 'jsonb', default: () => "'{}'" })
  nameTranslations: Partial<Record<'de' | 'it' | 'es', string>>;

  /** Priority class a conversation of this topic starts at: 0 emergency ... 3 low. */
  @Column({ type: 'smallint', default: 2 })
  priority: number;

  /** Skill an agent needs to receive it; null: anyone on duty. */
  @Column({ name: 'required_skill', type: 'text', nullable: true })
  requiredSkill: string | null;

  /** Service level: longest acceptable wait before an agent picks it up. */
  @Column({ name: 'sla_wait_seconds', type: 'int', default: 300 })
  slaWaitSeconds: number;

  /**
   * Surge watch: when this queue's longest wait or a newcomer's estimated wait passes it, surge mode is proposed to
   * the supervisors (or applied, by configuration). Null: the queue is not watched.
   */
  @Column({ name: 'surge_wait_seconds', type: 'int', nullable: true })
  surgeWaitSeconds: number | null;

  /** Service level: longest acceptable time to the first agent reply. */
  @Column({ name: 'sla_first_reply_seconds', type: 'int', default: 600 })
  slaFirstReplySeconds: number;

  /**
   * Service level of the e-mail channel (contact form, answers by mail): hours within which a message should be
   * answered. It replaces both thresholds above for conversations of that channel.
   */
  @Column({ name: 'email_sla_hours', type: 'int', default: 24 })
  emailSlaHours: number;

  /** Re-route an assigned conversation that gets no agent reply within this delay; null: the platform default. */
  @Column({ name: 'no_reply_reroute_minutes', type: 'int', nullable: true })
  noReplyRerouteMinutes: number | null;

  /** Days a closed conversation is kept before its content is purged; null: the configured retention. */
  @Column({ name: 'retention_days', type: 'int', nullable: true })
  retentionDays: number | null;

  /** Words of a citizen's answer that lead the triage to this topic. */
  @Column({ name: 'triage_keywords', type: 'text', array: true, default: () => "'{}'" })
  triageKeywords: string[];

  /** Place in the triage menu (1 = first choice); null: after the numbered ones, by key. */
  @Column({ name: 'triage_position', type: 'int', nullable: true })
  triagePosition: number | null;

  /** Victim-safety rules: shown by pseudonym, not surfaced in other histories. */
  @Column({ type: 'boolean', default: false })
  sensitive: boolean;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
