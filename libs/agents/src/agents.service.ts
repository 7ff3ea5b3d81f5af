import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@brigade/errors';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Agent, Presence } from './agent.entity';
import { Clock } from './clock';
import { LocalShift, shiftInstants } from './roster-time';
import { Shift } from './shift.entity';

export interface AgentStatus {
  id: string;
  displayName: string;
  role: Agent['role'];
  presence: Presence;
  onShift: boolean;
  onDuty: boolean;
  capacity: number;
}

@Injectable()
export class AgentsService {
  constructor(
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
    private readonly clock: Clock,
  ) {}

  /** One of the agent's desk connections is up: any grace period in progress is over. */
  async markConnected(agentId: string): Promise<void> {
    await this.agents.query(`UPDATE agents SET disconnected_at = NULL WHERE id = $1 AND disconnected_at IS NOT NULL`, [
      agentId,
    ]);
  }

  /** The agent's last desk connection dropped: the presence grace period starts now. */
  async markDisconnected(agentId: string): Promise<void> {
    await this.agents.query(`UPDATE agents SET disconnected_at = $2 WHERE id = $1 AND disconnected_at IS NULL`, [
      agentId,
      this.clock.now(),
    ]);
  }

  /** Adds a shift written in local time of the roster's zone (ROSTER_TIME_ZONE), e.g. 22:00 to 06:00; stored as two instants. */
  async addShift(agentId: string, local: LocalShift, timeZone: string): Promise<Shift> {
    const { startsAt, endsAt } = shiftInstants(local, timeZone);
    const exists = await this.agents.existsBy({ id: agentId, active: true });
    if (!exists) throw new NotFoundError('Agent introuvable');
    return this.agents.manager.getRepository(Shift).save({ agentId, startsAt, endsAt });
  }

  async setPresence(agentId: string, presence: Presence): Promise<AgentStatus> {
    const result = await this.agents.update({ id: agentId, active: true }, { presence });
    if (!result.affected) throw new NotFoundError('Agent introuvable');
    return this.status(agentId);
  }

  /** On duty = inside a shift or put on duty by a supervisor, not taken off duty, and available. */
  async status(agentId: string): Promise<AgentStatus> {
    const rows: {
      id: string;
      display_name: string;
      role: Agent['role'];
      presence: Presence;
      duty_override: string | null;
      capacity: number;
      on_shift: boolean;
    }[] = await this.agents.query(
      `SELECT a.id, a.display_name, a.role, a.presence, a.duty_override, a.capacity,
              EXISTS (SELECT 1 FROM shifts s WHERE s.agent_id = a.id AND s.starts_at <= $2 AND s.ends_at > $2) AS on_shift
         FROM agents a WHERE a.id = $1`,
      [agentId, this.clock.now()],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError('Agent introuvable');
    const scheduled = row.duty_override === 'on' || (row.duty_override === null && row.on_shift);
    return {
      id: row.id,
      displayName: row.display_name,
      role: row.role,
      presence: row.presence,
      onShift: row.on_shift,
      onDuty: scheduled && row.presence === 'available',
      capacity: row.capacity,
    };
  }
}
