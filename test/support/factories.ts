import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Agent, AgentRole, AuthService, Presence, Shift } from '@brigade/agents';

export const TEST_PASSWORD = 'correct horse battery staple';
let cachedHash: Promise<string> | null = null;

const RESET_TABLES = `attachments, audit_events, assignments, messages, conversations, channel_identities, contacts, inbox_entries,
                      quarantined_messages, shifts, agents`;

/**
 * Empties every table between tests: each test creates the data it needs.
 *
 * The platform's timers and jobs keep working meanwhile. A plain TRUNCATE takes its exclusive locks one table after
 * another and waits for each while holding the previous ones: a routing tick reading those tables in another order
 * then closed a cycle, and PostgreSQL broke it by failing one side ("deadlock detected", logged by the worker's
 * timers). So the reset first takes every lock the TRUNCATE needs (its tables and the tables referencing them, which
 * CASCADE empties too) at once and without waiting (NOWAIT): when one is busy it holds nothing, lets the other
 * transaction finish and tries again. Never waiting while holding a lock, it can never be part of a deadlock.
 */
export async function resetDatabase(dataSource: DataSource): Promise<void> {
  const tables: { name: string }[] = await dataSource.query(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
      WHERE schemaname = current_schema() AND tablename NOT IN ('migrations', 'typeorm_metadata') ORDER BY tablename`,
  );
  const lockAll = `LOCK TABLE ${tables.map((table) => table.name).join(', ')} IN ACCESS EXCLUSIVE MODE NOWAIT`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await dataSource.transaction(async (manager) => {
        await manager.query(lockAll);
        await manager.query(`TRUNCATE ${RESET_TABLES} RESTART IDENTITY CASCADE`);
      });
      return;
    } catch (error) {
      // 55P03 lock_not_available: another transaction holds one of the tables for a moment.
      if ((error as { driverError?: { code?: string } }).driverError?.code !== '55P03' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export interface AgentSpec {
  role?: AgentRole;
  presence?: Presence;
  onShift?: boolean;
  capacity?: number;
  skills?: string[];
  languages?: string[];
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
    languages: spec.languages ?? ['fr', 'en'],
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
