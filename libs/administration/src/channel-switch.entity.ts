import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * An administrator's on/off switch for a channel ('' account: the whole channel) or one of its accounts (a Facebook
 * page, an X account, a bot). No row means on. The webhooks read it at every call, so a switch applies at once on
 * every API process.
 */
@Entity('channel_switches')
export class ChannelSwitch {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_channel_switches' })
  channel: string;

  @PrimaryColumn({ type: 'text', default: '', primaryKeyConstraintName: 'pk_channel_switches' })
  account: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
