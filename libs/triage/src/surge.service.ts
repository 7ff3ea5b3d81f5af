import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';

/** The supervisor's surge switch: the assistant then warns of longer waits and answers the surge questions first. */
@Injectable()
export class SurgeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async status(): Promise<{ enabled: boolean }> {
    const rows: { value: { enabled?: boolean } }[] = await this.dataSource.query(
      `SELECT value FROM platform_settings WHERE key = 'surge'`,
    );
    return { enabled: rows[0]?.value?.enabled === true };
  }

  async set(principal: AgentPrincipal, enabled: boolean): Promise<{ enabled: boolean }> {
    await this.dataSource.query(
      `INSERT INTO platform_settings (key, value, updated_at) VALUES ('surge', $1::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [JSON.stringify({ enabled })],
    );
    await this.audit.record({
      actorType: 'agent',
      actorId: principal.agentId,
      action: enabled ? 'surge.on' : 'surge.off',
      subjectType: 'platform',
      subjectId: 'surge',
    });
    return { enabled };
  }
}
