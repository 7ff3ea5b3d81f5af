import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Agent, AgentRole, AuthService, Presence, Shift } from '@brigade/agents';

export const TEST_PASSWORD = 'correct horse battery staple';
let cachedHash: Promise<string> | null = null;

/** Empties every table between tests: each test creates the data it needs. */
export async function resetDatabase(dataSource: DataSource): Promise<void> {
  // The platform's timers keep working while a test resets: a TRUNCATE may lose a deadlock to them, then it retries.
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.query(
        `TRUNCATE audit_events, assignments, messages, conversations, channel_identities, contacts, inbox_entries, quarantined_messages,
                  shifts, agents RESTART IDENTITY CASCADE`,
      );
      return;
    } catch (error) {
      if (attempt >= 5 || !/deadlock detected/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

export interface AgentSpec {
  role?: AgentRole;
  presence?: Presence;
  onShift?: boolean;
  capacity?: number;
  skills?: string[];
  displayName?: string;
}

export async function createAgent(dataSource: DataSource, spec: AgentSpec = {}): Promise<Agent & { login: string }> {
  cachedHash ??= AuthService.hashPassword(TEST_PASSWORD);
  const login = `agent-${randomUUID().slice(0, 8)}`;
  const agent = await dataSource.getRepository(Agent).save({
    login,
    displayName: spec.displayName ?? `Gendarme ${login.slice(6)}`,
    role: spec.role ?? 'agent',
    presence: spec.presence ?? 'offline',
    capacity: spec.capacity ?? 4,
    skills: spec.skills ?? ['general'],
    languages: ['fr', 'en'],
    passwordHash: await cachedHash,
  });
  if (spec.onShift ?? true) {
    const now = Date.now();
    await dataSource.getRepository(Shift).insert({
      agentId: agent.id,
      startsAt: new Date(now - 3600_000),
      endsAt: new Date(now + 8 * 3600_000),
    });
  }
  return agent;
}
