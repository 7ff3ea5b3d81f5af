import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Switches that supervisors flip at run time (surge mode), shared by every process through PostgreSQL. */
@Entity('platform_settings')
export class PlatformSetting {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_platform_settings' })
  key: string;

  @Column({ type: 'jsonb' })
  value: Record<string, unknown>;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
