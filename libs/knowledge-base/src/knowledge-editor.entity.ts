import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Agents allowed to write articles besides the administrators (the "editor" permission). */
@Entity('knowledge_editors')
export class KnowledgeEditor {
  @PrimaryColumn({ name: 'agent_id', type: 'uuid', primaryKeyConstraintName: 'pk_knowledge_editors' })
  agentId: string;

  @Column({ name: 'granted_by', type: 'uuid', nullable: true })
  grantedBy: string | null;

  @Column({ name: 'granted_at', type: 'timestamptz', default: () => 'now()' })
  grantedAt: Date;
}
