import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const UNIT_TYPES = ['brigade', 'communaute-brigades', 'bta', 'psig', 'maison-protection-familles', 'commissariat', 'autre'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/** A territorial unit that receives reports: how to reach it and the territory it covers. */
@Entity('local_units')
@Index('uq_local_units_code', ['code'], { unique: true })
export class LocalUnit {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stable key used by imports and the fallback setting. */
  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: UnitType;

  @Column({ type: 'text', default: '' })
  address: string;

  @Column({ type: 'text', default: '' })
  phone: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ name: 'webhook_url', type: 'text', nullable: true })
  webhookUrl: string | null;

  /** INSEE codes. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  communes: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  postcodes: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  departments: string[];

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
