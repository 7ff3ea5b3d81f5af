import { DataSource } from 'typeorm';
import { Agent, AgentRole } from './agent.entity';
import { AuthService } from './auth.service';
import { Shift } from './shift.entity';

export interface DemoAccount {
  login: string;
  displayName: string;
  role: AgentRole;
}

export const DEMO_ACCOUNTS: (DemoAccount & { skills: string[] })[] = [
  { login: 'gendarme.martin', displayName: 'Gendarme Martin', role: 'agent', skills: ['general', 'violence'] },
  { login: 'gendarme.bernard', displayName: 'Gendarme Bernard', role: 'agent', skills: ['general', 'offence'] },
  { login: 'gendarme.petit', displayName: 'Gendarme Petit', role: 'agent', skills: ['general', 'recruitment'] },
  { login: 'adjudant.durand', displayName: 'Adjudant Durand', role: 'supervisor', skills: ['general', 'violence'] },
  { login: 'admin', displayName: 'Administrateur', role: 'admin', skills: [] },
];

/**
 * Creates the demo brigade once: three gendarmes and a supervisor on a 12-hour shift around now, and an admin.
 * Returns the accounts it created (none when they already exist).
 */
export async function seedDemo(dataSource: DataSource, password: string, now = new Date()): Promise<DemoAccount[]> {
  const existing = await dataSource.getRepository(Agent).countBy({ login: DEMO_ACCOUNTS[0].login });
  if (existing > 0) return [];
  const passwordHash = await AuthService.hashPassword(password);
  return dataSource.transaction(async (manager) => {
    const created: DemoAccount[] = [];
    for (const account of DEMO_ACCOUNTS) {
      const agent = await manager.save(
        manager.create(Agent, {
          login: account.login,
          displayName: account.displayName,
          role: account.role,
          skills: account.skills,
          languages: ['fr', 'en'],
          capacity: 4,
          passwordHash,
          presence: 'offline',
        }),
      );
      if (account.role !== 'admin') {
        await manager.insert(Shift, {
          agentId: agent.id,
          startsAt: new Date(now.getTime() - 2 * 3600_000),
          endsAt: new Date(now.getTime() + 10 * 3600_000),
        });
      }
      created.push(account);
    }
    return created;
  });
}
