import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from '../support/test-env';

const root = join(__dirname, '..', '..');

interface SmokeStep {
  target: string;
  sent: number;
  accepted: number;
  delivered: number;
  lost: number;
  errors: Record<string, number>;
  repliesSent: number;
  repliesDelivered: number;
  newConversationToDesk: { count: number };
  byRoute: Record<'webchat' | 'facebook' | 'x', { count: number }>;
  opening: { opened: number; toldPlace: { count: number }; menuAnswered: number; menuAcked: number };
  stages: Record<string, { count: number }> | null;
  cost: { messages: number; cpuMsPerMessage: number | null; statementsPerMessage: number | null };
}

/** The benchmark's short version: the same tooling end to end, asserting that nothing is lost (not a speed). */
describe('benchmark smoke run', () => {
  it('drives the baseline and the platform processes and loses no message either way', async () => {
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('npm', ['run', 'bench:smoke'], {
        cwd: root,
        env: { ...process.env, BENCH_DATABASE_BASE: `${TEST_DATABASE_URL}_bench` },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.once('exit', resolve);
    });
    expect({ code, output: code === 0 ? '' : output.join('') }).toEqual({ code: 0, output: '' });

    const { steps, openingSteps } = JSON.parse(readFileSync(join(root, 'bench', 'results', 'smoke.json'), 'utf8')) as {
      steps: SmokeStep[];
      openingSteps: SmokeStep[];
    };
    expect(steps.map((step) => step.target).sort()).toEqual(['baseline', 'platform']);
    for (const step of steps) {
      expect({ target: step.target, accepted: step.accepted, delivered: step.delivered, lost: step.lost, errors: step.errors }).toEqual({
        target: step.target,
        accepted: step.sent,
        delivered: step.sent,
        lost: 0,
        errors: {},
      });
      expect(step.repliesSent).toBeGreaterThan(0);
      // Conversations opened before the loop, and new ones inside it, all reached a desk.
      expect(step.opening.opened).toBeGreaterThan(0);
      expect(step.newConversationToDesk.count).toBeGreaterThan(0);
      // Signed Messenger and X webhooks went through too.
      expect(step.byRoute.facebook.count).toBeGreaterThan(0);
      expect(step.byRoute.x.count).toBeGreaterThan(0);
      expect(step.repliesDelivered).toBe(step.repliesSent);
    }

    // The opening path alone: every citizen's conversation reached a desk on both targets; on the platform the web chat
    // citizens were told their place, answered the menu, and the stage timings and costs were read from its metrics.
    expect(openingSteps.map((step) => step.target).sort()).toEqual(['baseline', 'platform']);
    for (const step of openingSteps) {
      expect({ target: step.target, opened: step.opening.opened, errors: step.errors }).toEqual({ target: step.target, opened: 20, errors: {} });
      expect(step.cost.cpuMsPerMessage).toBeGreaterThan(0);
    }
    const platform = openingSteps.find((step) => step.target === 'platform')!;
    expect(platform.opening.toldPlace.count).toBe(16);
    // A conversation a gendarme takes before the assistant answers gets no menu: nearly all do.
    expect(platform.opening.menuAnswered).toBeGreaterThanOrEqual(12);
    expect(platform.opening.menuAcked).toBe(platform.opening.menuAnswered);
    expect(Object.keys(platform.stages ?? {})).toEqual(expect.arrayContaining(['intake', 'triage', 'routing', 'routing_lock_wait', 'desk_view', 'push']));
    expect(platform.cost.statementsPerMessage).toBeGreaterThan(1);
  }, 300_000);
});
