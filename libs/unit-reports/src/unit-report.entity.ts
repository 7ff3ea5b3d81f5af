import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from '@brigade/agents/entities';
import { Conversation } from '@brigade/conversations/entities';
import { LocalUnit } from './local-unit.entity';

export const REPORT_URGENCIES = ['normale', 'prioritaire', 'immediate'] as const;
export type ReportUrgency = (typeof REPORT_URGENCIES)[number];
export type ReportRouting = 'coverage' | 'fallback' | 'override';
/** sending until every delivery is done; failed as soon as one is in the dead letter list. */
export type ReportStatus = 'sending' | 'delivered' | 'failed';

export interface ReportPerson {
  role: string;
  name: string;
  details: string;
}

export interface ReportContactMeans {
  phone: string | null;
  email: string | null;
  /** How and when the victim wants to be contacted ("le soir, pas sur le téléphone fixe"). */
  preference: string;
}

/**
 * A report (signalement) a gendarme writes from a conversation for the territorial unit competent for the commune.
 * It lives and dies with its conversation: erasure deletes it, retention purges it with the messages.
 */
@Entity('unit_reports')
@Index('ix_unit_reports_conversation', ['conversationId', 'createdAt'])
@Index('uq_unit_reports_client_id', ['conversationId', 'clientReportId'], { unique: true })
export class UnitReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: Conversation;

  /** The desk's id of the submission: a form sent twice makes one report. */
  @Column({ name: 'client_report_id', type: 'text' })
  clientReportId: string;

  @Column({ name: 'author_agent_id', type: 'uuid', nullable: true })
  authorAgentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_agent_id' })
  author?: Agent;

  @Column({ name: 'unit_id', type: 'uuid' })
  unitId: string;

  @ManyToOne(() => LocalUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: LocalUnit;

  /** The unit the coverage pointed to, when the gendarme chose another. */
  @Column({ name: 'routed_unit_id', type: 'uuid', nullable: true })
  routedUnitId: string | null;

  @Column({ type: 'text' })
  routing: ReportRouting;

  @Column({ name: 'override_reason', type: 'text', nullable: true })
  overrideReason: string | null;

  @Column({ type: 'text' })
  nature: string;

  @Column({ name: 'facts_at', type: 'timestamptz', nullable: true })
  factsAt: Date | null;

  @Column({ name: 'facts_place', type: 'text', default: '' })
  factsPlace: string;

  @Column({ name: 'commune_code', type: 'text' })
  communeCode: string;

  @Column({ name: 'commune_name', type: 'text' })
  communeName: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  persons: ReportPerson[];

  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'text' })
  urgency: ReportUrgency;

  @Column({ name: 'consent_to_contact', type: 'boolean' })
  consentToContact: boolean;

  @Column({ name: 'contact_means', type: 'jsonb', default: () => "'{}'" })
  contactMeans: ReportContactMeans;

  /** Messages of the conversation joined to the report (their text and attachments go in the PDF). */
  @Column({ name: 'message_ids', type: 'uuid', array: true, default: () => "'{}'" })
  messageIds: string[];

  @Column({ type: 'text', default: 'sending' })
  status: ReportStatus;

  @Column({ name: 'citizen_told_at', type: 'timestamptz', nullable: true })
  citizenToldAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
