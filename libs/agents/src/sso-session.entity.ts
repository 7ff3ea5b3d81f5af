import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { AuthSession } from './auth-session.entity';

/** A desk session opened by single sign-on: the ID token names it to the provider when the agent signs out there. */
@Entity('sso_sessions')
export class SsoSession {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'PK_sso_sessions' })
  sessionId: string;

  @OneToOne(() => AuthSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_sso_sessions_session' })
  session?: AuthSession;

  @Column({ type: 'text' })
  issuer: string;

  @Column({ name: 'id_token', type: 'text' })
  idToken: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
