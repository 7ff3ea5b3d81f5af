import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { UnitReport } from './unit-report.entity';

export type ReportDeliveryTarget = 'email' | 'webhook';
/**
 * queued -> (retrying ->)* sent (e-mail accepted by the SMTP server) | delivered (webhook answered 2xx)
 * | failed (attempts exhausted or refused for good: the dead letter list administrators see).
 */
export type ReportDeliveryStatus = 'queued' | 'retrying' | 'sent' | 'delivered' | 'failed';

/** One way a report goes to its unit, with its attempts and its last error. */
@Entity('report_deliveries')
@Index('ix_report_deliveries_report', ['reportId'])
@Index('ix_report_deliveries_failed', ['updatedAt'], { where: `status = 'failed'` })
export class ReportDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'report_id', type: 'uuid' })
  reportId: string;

  @ManyToOne(() => UnitReport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id' })
  report?: UnitReport;

  @Column({ type: 'text' })
  target: ReportDeliveryTarget;

  /** The e-mail address or webhook URL, as it was when the report was submitted. */
  @Column({ type: 'text' })
  address: string;

  @Column({ type: 'text', default: 'queued' })
  status: ReportDeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
