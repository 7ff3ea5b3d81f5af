/**
 * `npm run bench`: the raw baseline and the platform under the same open-loop load, step by step, in the same
 * run; writes BENCHMARKS.md and bench/results/latest.json. `npm run bench:smoke` is a few-second version.
 *
 * Settings (environment): BENCH_RUNS (3), BENCH_RATES (250,500,1000,1500,2000), BENCH_STEP_SECONDS (10),
 * BENCH_AGENTS (50), BENCH_REPLY_RATIO (0.25), BENCH_NEW_SHARE (0.05), BENCH_OPENING_RATE (200), BENCH_SOCKETS (2000),
 * BENCH_WEBHOOK_SHARE (0.2), BENCH_WARMUP_RATE (100: a step at this rate before the runs, not reported; 0 for none), BENCH_SATURATION (true), BENCH_TARGETS (baseline,platform: one alone writes no report),
 * BENCH_DATABASE_BASE (postgres://postgres@127.0.0.1:5432/brigade_bench), REDIS_URL, BENCH_SMOKE,
 * BENCH_API_NODE_ARGS / BENCH_WORKER_NODE_ARGS (extra node flags for the platform's processes, e.g. --cpu-prof),
 * BENCH_OPENING_RATES (50,100,200,400: the opening-path steps, citizens opening a conversation per second; empty for
 * none), BENCH_OPENING_SECONDS (5), BENCH_CLUSTER (2x2: after the runs, the opening steps again against that many API
 * x worker processes of the platform sharing one database and queue prefix; empty for none), BENCH_QUIET_WAIT_SECONDS
 * (120: how long a step waits at most for the machine to be quiet; a machine shared with other work never is).
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeGraphApi, FakeXApi } from '@brigade/testing';
import {
  ProcessSampler,
  SampledFigures,
  histogramBuckets,
  histogramQuantileMs,
  metricTotal,
  pidsNamed,
  stageDeltas,
  stageTotals,
  waitForQuietMachine,
} from './bench-stats';
import { ROOT, Target, WebhookSettings, startBaseline, startPlatform } from './bench-targets';
import type { StepPhase, StepRequest, StepResult } from './load-generator';

const smoke = process.env.BENCH_SMOKE === 'true' || process.env.BENCH_SMOKE === '1';
const env = (name: string, fallback: string) => process.env[name] || fallback;
const settings = {
  runs: Number(env('BENCH_RUNS', smoke ? '1' : '3')),
  rates: env('BENCH_RATES', smoke ? '20' : '250,500,1000,1500,2000').split(',').map(Number),
  stepSeconds: Number(env('BENCH_STEP_SECONDS', smoke ? '3' : '10')),
  agents: Number(env('BENCH_AGENTS', smoke ? '5' : '50')),
  replyRatio: Number(env('BENCH_REPLY_RATIO', '0.25')),
  newConversationShare: Number(env('BENCH_NEW_SHARE', '0.05')),
  openingRate: Number(env('BENCH_OPENING_RATE', '200')),
  webhookShare: Number(env('BENCH_WEBHOOK_SHARE', '0.2')),
  warmupRate: Number(env('BENCH_WARMUP_RATE', smoke ? '0' : '100')),
  sockets: Number(env('BENCH_SOCKETS', smoke ? '0' : '2000')),
  saturation: env('BENCH_SATURATION', smoke ? 'false' : 'true') === 'true',
  databaseBase: env('BENCH_DATABASE_BASE', 'postgres://postgres@127.0.0.1:5432/brigade_bench'),
  redisUrl: env('REDIS_URL', 'redis://127.0.0.1:6379'),
  fromSources: smoke || env('BENCH_FROM_SOURCES', 'false') === 'true',
  openingRates: env('BENCH_OPENING_RATES', smoke ? '10' : '50,100,200,400')
    .split(',')
    .filter(Boolean)
    .map(Number),
  openingSeconds: Number(env('BENCH_OPENING_SECONDS', smoke ? '2' : '5')),
  /** "2x2": API x worker processes of the scale-out opening steps; null: none. */
  cluster: parseCluster(env('BENCH_CLUSTER', smoke ? '' : '2x2')),
  quietWaitMs: Number(env('BENCH_QUIET_WAIT_SECONDS', '120')) * 1000,
  /** Both by default; one of them alone (e.g. to profile the platform) writes bench/results/partial.json only. */
  targets: env('BENCH_TARGETS', 'baseline,platform').split(','),
};
function parseCluster(value: string): { apis: number; workers: number } | null {
  const match = /^(\d+)x(\d+)$/.exec(value.trim());
  return match ? { apis: Number(match[1]), workers: Number(match[2]) } : null;
}
const complete = settings.targets.includes('baseline') && settings.targets.includes('platform');
const P99_LIMIT_MS = 100;
const DELIVERED_MIN = 0.99;

interface Measured extends StepResult {
  target: string;
  /** "1 API + 1 worker", "2 API + 2 worker"… */
  layout: string;
  run: number;
  routingMs: { p50: number | null; p99: number | null } | null;
  /** The target's own processes (server/API and worker). */
  processes: Record<string, SampledFigures>;
  /** What the target shares with the rest of the machine, and the generator: their CPU tells where the cores went. */
  services: Record<string, SampledFigures>;
  machineCpuPercent: number;
  passed: boolean;
  /** The platform's own stage timings over the step (brigade_stage_seconds of its API and worker); null: baseline. */
  stages: Record<string, { count: number; meanMs: number; totalMs: number }> | null;
  /**
   * What one message (one opening in the opening steps: its first message and its menu answer) cost: CPU ms of the
   * target's processes over the load window, and SQL statements the platform sent (its own counter; the baseline
   * sends one INSERT per message by construction).
   */
  cost: { messages: number; cpuMsPerMessage: number | null; statementsPerMessage: number | null };
}

/** The platform's metrics of both processes, read in one go (null for the baseline, which has none). */
async function scrapeAll(target: Target): Promise<string | null> {
  if (target.metricsUrls.length === 0) return null;
  const texts = await Promise.all(target.metricsUrls.map(async (url) => (await fetch(url)).text()));
  return texts.join('\n');
}

let stepCounter = 0;
/** The page, account and secrets of the run: the same for both targets (the fakes answer the platform's sends). */
const webhookSecrets = {
  facebookAppSecret: 'bench-facebook-app-secret',
  facebookPageId: '990000000000001',
  xConsumerSecret: 'bench-x-consumer-secret',
  xAccountId: '990000000000002',
};

function runGenerator(request: StepRequest, onPhase: (phase: StepPhase) => void, onStart: (pid: number) => void): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'bench/load-generator.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', BENCH_STEP: JSON.stringify(request) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid) onStart(child.pid);
    // A step never outlives its budget: sending, draining, and a minute for connecting sockets.
    const openingSeconds = request.openingRate > 0 ? (request.rate * request.citizenIntervalMs) / 1000 / request.openingRate + 60 : 0;
    const budget = setTimeout(
      () => child.kill('SIGKILL'),
      (request.durationSeconds + request.drainMs / 1000 + openingSeconds + 60) * 1000,
    );
    let output = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('BENCH_PHASE ')) onPhase(line.slice('BENCH_PHASE '.length) as StepPhase);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(budget);
      const line = output.split('\n').find((candidate) => candidate.startsWith('BENCH_RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as StepResult);
      else reject(new Error(`load generator failed (${code}):\n${output.slice(-3000)}`));
    });
  });
}

async function scrapeRouting(target: Target): Promise<Map<number, number> | null> {
  // Every process of a cluster decides: their histograms are summed.
  const text = await scrapeAll(target);
  return text === null ? null : histogramBuckets(text, 'brigade_routing_decision_seconds');
}

/** Busy share (of one core) under which the machine counts as idle between steps: its idle processes' own timers. */
const QUIET_MACHINE_PERCENT = 25;

async function step(target: Target, run: number, rate: number, overrides: Partial<StepRequest> = {}): Promise<Measured> {
  // The backlog an overloaded step leaves (either target's) is worked through before the next step is measured.
  if (!smoke) {
    const waited = await waitForQuietMachine(QUIET_MACHINE_PERCENT, settings.quietWaitMs);
    if (waited > 5_000) console.log(`waited ${Math.round(waited / 1000)} s for the machine to be quiet`);
  }
  await target.resetBetweenSteps();
  let generatorPid: number | null = null;
  const services = {
    postgresql: () => pidsNamed('postgres'),
    redis: () => pidsNamed('redis-server'),
    generator: () => (generatorPid ? [generatorPid] : []),
  };
  const sampler = new ProcessSampler({ ...target.processes, ...services });
  const routingBefore = await scrapeRouting(target);
  const metricsBefore = await scrapeAll(target);
  let loadStartedAt = 0;
  let loadEndedAt = 0;
  sampler.begin();
  const result = await runGenerator(
    {
      url: target.url,
      urls: target.urls,
      rate,
      durationSeconds: settings.stepSeconds,
      agentTokens: target.agentTokens,
      replyRatio: settings.replyRatio,
      drainMs: 5_000,
      citizenIntervalMs: 1_000,
      newConversationShare: settings.newConversationShare,
      openingRate: settings.openingRate,
      webhooks: settings.webhookShare > 0 ? { share: settings.webhookShare, ...webhookSecrets } : null,
      tag: `s${process.pid}x${stepCounter++}`,
      ...overrides,
    },
    (phase) => {
      if (phase === 'load-start') {
        loadStartedAt = Date.now();
        sampler.loadStarted();
      } else {
        loadEndedAt = Date.now();
        sampler.loadEnded();
      }
    },
    (pid) => (generatorPid = pid),
  );
  const sampled = sampler.end();
  const processes = Object.fromEntries(Object.keys(target.processes).map((name) => [name, sampled.processes[name]]));
  const sharedServices = Object.fromEntries(Object.keys(services).map((name) => [name, sampled.processes[name]]));
  const routingAfter = await scrapeRouting(target);
  const routingMs =
    routingBefore && routingAfter
      ? {
          p50: histogramQuantileMs(routingBefore, routingAfter, 0.5),
          p99: histogramQuantileMs(routingBefore, routingAfter, 0.99),
        }
      : null;
  const metricsAfter = await scrapeAll(target);
  const errorCount = Object.values(result.errors).reduce((sum, n) => sum + n, 0);
  const openingOnly = overrides.openingOnly === true;
  const passed = openingOnly
    ? result.opening.opened >= DELIVERED_MIN * Math.round(rate * (overrides.durationSeconds ?? settings.stepSeconds)) && errorCount === 0
    : (result.citizenToDesk.p99 ?? Infinity) <= P99_LIMIT_MS && result.delivered >= DELIVERED_MIN * result.sent && errorCount === 0;
  const messages = openingOnly ? result.opening.opened + result.opening.menuAcked : result.accepted;
  const windowMs = loadEndedAt > loadStartedAt ? loadEndedAt - loadStartedAt : 0;
  const cpuPercent = Object.values(processes).reduce((sum, figures) => sum + figures.cpuPercent, 0);
  const statements =
    metricsBefore !== null && metricsAfter !== null
      ? metricTotal(metricsAfter, 'brigade_db_statements_total') - metricTotal(metricsBefore, 'brigade_db_statements_total')
      : null;
  const cost = {
    messages,
    cpuMsPerMessage: messages > 0 && windowMs > 0 ? Number(((cpuPercent / 100) * windowMs / messages).toFixed(2)) : null,
    statementsPerMessage: statements !== null && messages > 0 ? Number((statements / messages).toFixed(1)) : target.workerMetricsUrl ? null : 1,
  };
  const stages = metricsBefore !== null && metricsAfter !== null ? stageDeltas(stageTotals(metricsBefore), stageTotals(metricsAfter)) : null;
  const measured: Measured = {
    ...result,
    target: target.name,
    layout: target.layout,
    run,
    routingMs,
    processes,
    services: sharedServices,
    machineCpuPercent: sampled.machineCpuPercent,
    passed,
    stages,
    cost,
  };
  if (openingOnly) {
    console.log(
      `[run ${run}] ${target.name.padEnd(8)} (${target.layout}) opening ${String(rate).padStart(4)}/s: opened ${result.opening.opened}` +
        ` to desk p50 ${fmt(result.opening.toDesk.p50)} p99 ${fmt(result.opening.toDesk.p99)} ms,` +
        ` told place p99 ${fmt(result.opening.toldPlace.p99)} ms, menu ${result.opening.menuAnswered} answered` +
        ` (confirmed p99 ${fmt(result.opening.menuToConfirmed.p99)} ms), errors ${errorCount};` +
        ` ${fmt(cost.cpuMsPerMessage, 2)} CPU ms and ${fmt(cost.statementsPerMessage, 1)} statements per message`,
    );
    return measured;
  }
  console.log(
    `[run ${run}] ${target.name.padEnd(8)} ${String(rate).padStart(5)} msg/s: delivered ${result.delivered}/${result.sent}` +
      ` p50 ${fmt(result.citizenToDesk.p50)} p99 ${fmt(result.citizenToDesk.p99)} max ${fmt(result.citizenToDesk.max)} ms` +
      ` errors ${errorCount} ${passed ? 'PASS' : 'FAIL'}; CPU % ` +
      Object.entries({ ...processes, ...sharedServices })
        .map(([name, figures]) => `${name} ${figures.cpuPercent}`)
        .join(', ') +
      `, machine ${sampled.machineCpuPercent}`,
  );
  return measured;
}

/** Highest rate meeting p99 <= 100 ms and 99 % delivered, by bisection between a passing and a failing rate. */
async function saturation(target: Target, run: number, fixed: Measured[]): Promise<{ rate: number; steps: Measured[] }> {
  const passing = fixed.filter((m) => m.passed).map((m) => m.rate);
  const failing = fixed.filter((m) => !m.passed).map((m) => m.rate);
  let low = passing.length ? Math.max(...passing) : 0;
  let high = failing.length ? Math.min(...failing.filter((rate) => rate > low), Infinity) : Infinity;
  if (high === Infinity) high = low * 2 || 500;
  const steps: Measured[] = [];
  for (let i = 0; i < 3 && high - low > Math.max(50, low * 0.1); i++) {
    const rate = Math.round((low + high) / 2);
    const measured = await step(target, run, rate);
    steps.push(measured);
    if (measured.passed) low = rate;
    else high = rate;
  }
  return { rate: low, steps };
}

const fmt = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined ? '–' : value === Infinity ? '∞' : value.toFixed(digits);

function spread(values: number[]): string {
  if (values.length === 0) return '–';
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return values.length === 1 ? fmt(median) : `${fmt(median)} (${fmt(sorted[0])}–${fmt(sorted[sorted.length - 1])})`;
}

function report(
  all: Measured[],
  saturations: Record<string, number[]>,
  socketSteps: Measured[],
  started: Date,
  openingSteps: Measured[],
  clusterSteps: Measured[],
): string {
  const lines: string[] = [];
  const conditions = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average at the end ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ')}`;
  lines.push('# Benchmarks', '');
  lines.push(
    `Generated by \`npm run bench\` on ${started.toISOString()} (${settings.runs} run(s), ${settings.stepSeconds} s per step, ` +
      `${settings.agents} agents answering ${Math.round(settings.replyRatio * 100)} % of messages). Machine: ${conditions}.`,
    '',
    'Each cell is the median over the runs, with the lowest and highest in brackets. Latency: citizen `message:send` on the',
    'web chat socket -> the message shown on the agent desk socket (`conversation:assigned` or `message:new`), in ms.',
    'Both targets run as separate API/server and worker processes on loopback; the load generator is a third process.',
    '',
  );
  lines.push('## Fixed rates', '');
  lines.push(
    '| rate (msg/s) | target | delivered % | p50 | p95 | p99 | max | new conv. p50 / p99 | reply p50 | reply p99 | routing p50 / p99 | errors | CPU % (server, worker) | CPU % (PostgreSQL, Redis, generator; machine) | peak RSS MiB (server, worker) |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const rate of settings.rates) {
    for (const target of ['baseline', 'platform']) {
      const cells = all.filter((m) => m.rate === rate && m.target === target && !('socketStep' in m));
      if (cells.length === 0) continue;
      const pick = (f: (m: Measured) => number | null) => spread(cells.map(f).filter((v): v is number => v !== null));
      const procs = Object.keys(cells[0].processes);
      lines.push(
        `| ${rate} | ${target} | ${pick((m) => (100 * m.delivered) / m.sent)} | ${pick((m) => m.citizenToDesk.p50)} | ` +
          `${pick((m) => m.citizenToDesk.p95)} | ${pick((m) => m.citizenToDesk.p99)} | ${pick((m) => m.citizenToDesk.max)} | ` +
          `${pick((m) => m.newConversationToDesk.p50)} / ${pick((m) => m.newConversationToDesk.p99)} | ` +
          `${pick((m) => m.replyToCitizen.p50)} | ${pick((m) => m.replyToCitizen.p99)} | ` +
          `${cells[0].routingMs ? `${pick((m) => m.routingMs?.p50 ?? null)} / ${pick((m) => m.routingMs?.p99 ?? null)}` : '–'} | ` +
          `${pick((m) => Object.values(m.errors).reduce((s, n) => s + n, 0))} | ` +
          `${procs.map((p) => pick((m) => m.processes[p].cpuPercent)).join(', ')} | ` +
          `${['postgresql', 'redis', 'generator'].map((p) => pick((m) => m.services?.[p]?.cpuPercent ?? null)).join(', ')}; ` +
          `${pick((m) => m.machineCpuPercent ?? null)} | ` +
          `${procs.map((p) => pick((m) => m.processes[p].peakRssMiB)).join(', ')} |`,
      );
    }
  }
  lines.push(
    '',
    'All columns but the last ones are in ms. "new conv." is the part of the measured messages that opened a conversation',
    '(routing included). Routing p50 / p99 are bucket upper bounds of `brigade_routing_decision_seconds` (worker metrics).',
    '',
  );
  if (settings.webhookShare > 0) {
    lines.push('### By way in (citizen -> desk, p50 / p99 in ms)', '');
    lines.push('| rate (msg/s) | target | web chat socket | Messenger webhook | X webhook |', '|---|---|---|---|---|');
    for (const rate of settings.rates) {
      for (const target of ['baseline', 'platform']) {
        const cells = all.filter((m) => m.rate === rate && m.target === target && m.byRoute);
        if (cells.length === 0) continue;
        const route = (name: 'webchat' | 'facebook' | 'x') =>
          `${spread(cells.map((m) => m.byRoute[name].p50 ?? Infinity))} / ${spread(cells.map((m) => m.byRoute[name].p99 ?? Infinity))}`;
        lines.push(`| ${rate} | ${target} | ${route('webchat')} | ${route('facebook')} | ${route('x')} |`);
      }
    }
    lines.push('');
  }
  const openings = all.filter((m) => m.opening.opened > 0);
  if (openings.length > 0) {
    lines.push(
      `Conversations opened before each step at ${settings.openingRate}/s (one per regular citizen), send -> assigned on a desk: ` +
        ['baseline', 'platform']
          .map((target) => {
            const cells = openings.filter((m) => m.target === target);
            return `${target} p50 ${spread(cells.map((m) => m.opening.toDesk.p50 ?? Infinity))} ms, p99 ${spread(cells.map((m) => m.opening.toDesk.p99 ?? Infinity))} ms`;
          })
          .join('; ') +
        '.',
      '',
    );
  }
  const p99At = (target: string, rate: number) =>
    all.filter((m) => m.target === target && m.rate === rate).map((m) => m.citizenToDesk.p99 ?? Infinity);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  lines.push('## Against the targets', '');
  if (settings.saturation) {
    const base = median(saturations.baseline ?? []);
    const platform = median(saturations.platform ?? []);
    lines.push(
      `- Sustainable rate (p99 <= ${P99_LIMIT_MS} ms, >= ${DELIVERED_MIN * 100} % delivered): baseline ${spread(saturations.baseline ?? [])} msg/s, ` +
        `platform ${spread(saturations.platform ?? [])} msg/s: **${base ? (platform / base).toFixed(2) : '–'} × baseline** (target >= 0.5).`,
    );
  }
  if (settings.rates.includes(500)) {
    const base = median(p99At('baseline', 500));
    const platform = median(p99At('platform', 500));
    lines.push(
      `- p99 at 500 msg/s: baseline ${fmt(base)} ms, platform ${fmt(platform)} ms: **${base ? (platform / base).toFixed(1) : '–'} × baseline** (target <= 3).`,
    );
  }
  for (const socketStep of socketSteps) {
    lines.push(
      `- Sockets on one API process (run ${socketStep.run}): ${socketStep.sockets.citizens} citizen + ${socketStep.sockets.desks} desk sockets ` +
        `connected (${socketStep.sockets.connectErrors} refused); ${socketStep.delivered}/${socketStep.sent} citizen messages reached a desk, ` +
        `${socketStep.repliesDelivered}/${socketStep.repliesSent} replies reached their citizen; p99 ${fmt(socketStep.citizenToDesk.p99)} ms.`,
    );
  }
  lines.push(...openingReport(openingSteps, all));
  lines.push(...clusterReport(openingSteps, clusterSteps));
  lines.push('', '## Raw figures', '', 'Every step of every run: `bench/results/latest.json`.', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  const all: Measured[] = [];
  const saturations: Record<string, number[]> = { baseline: [], platform: [] };
  const socketSteps: Measured[] = [];
  const openingSteps: Measured[] = [];
  const clusterSteps: Measured[] = [];
  const suffix = smoke ? '_smoke' : '';
  // Loopback stand-ins for Meta and X: the platform sends acknowledgements and replies to them.
  const [graph, xApi] = await Promise.all([FakeGraphApi.start(), FakeXApi.start()]);
  const webhooks: WebhookSettings = { ...webhookSecrets, graphBaseUrl: graph.baseUrl, xApiBaseUrl: xApi.apiBaseUrl };
  let baseline: Target | null = null;
  let platform: Target | null = null;
  let cluster: Target | null = null;
  const targets = (): Target[] => [baseline, platform].filter((target): target is Target => target !== null);
  const openingOverrides = (rate: number): Partial<StepRequest> => ({
    openingOnly: true,
    openingRate: rate,
    durationSeconds: settings.openingSeconds,
    replyRatio: 0,
    newConversationShare: 0,
    drainMs: 10_000,
  });
  try {
    if (settings.targets.includes('baseline')) {
      console.log('starting the baseline');
      baseline = await startBaseline({
        databaseUrl: `${settings.databaseBase}${suffix}`,
        redisUrl: settings.redisUrl,
        agents: settings.agents,
        webhooks,
      });
    }
    if (settings.targets.includes('platform')) {
      console.log(settings.fromSources ? 'starting the platform from the sources' : 'building and starting the platform');
      platform = await startPlatform({
        databaseUrl: `${settings.databaseBase}${suffix}_platform`,
        redisUrl: settings.redisUrl,
        agents: settings.agents,
        fromSources: settings.fromSources,
        webhooks,
      });
    }
    if (settings.warmupRate > 0) {
      // A freshly started process compiles its hot code, fills its connection pools and prepares its statements during
      // its first seconds of load: that start would be charged to whichever step comes first. Not reported.
      for (const target of targets()) await step(target, 0, settings.warmupRate);
    }
    for (let run = 1; run <= settings.runs; run++) {
      const fixed: Record<string, Measured[]> = { baseline: [], platform: [] };
      for (const rate of settings.rates) {
        // Alternate the targets at each rate so that both see the same machine conditions.
        for (const target of targets()) {
          const measured = await step(target, run, rate);
          fixed[target.name].push(measured);
          all.push(measured);
        }
      }
      if (settings.saturation) {
        for (const target of targets()) {
          const found = await saturation(target, run, fixed[target.name]);
          saturations[target.name].push(found.rate);
          all.push(...found.steps);
        }
      }
      // The opening path alone, at rising rates, both targets side by side.
      for (const rate of settings.openingRates) {
        for (const target of targets()) {
          openingSteps.push(await step(target, run, rate, openingOverrides(rate)));
        }
      }
      if (settings.sockets > 0 && platform) {
        // One message per citizen over the step: every socket must receive its events.
        const citizens = settings.sockets - platform.agentTokens.length;
        const measured = await step(platform, run, Math.ceil(citizens / settings.stepSeconds), {
          citizenIntervalMs: settings.stepSeconds * 1000,
          replyRatio: 1,
          // Every citizen of this step opens a conversation: a surge of arrivals, not steady traffic.
          newConversationShare: 0,
          openingRate: 0,
          webhooks: null,
          drainMs: 30_000,
        });
        socketSteps.push(measured);
      }
    }
    if (settings.cluster && platform && settings.openingRates.length > 0) {
      // Scale-out: the same opening steps against several API and worker processes (one database, one queue prefix,
      // Socket.io fanned out through Redis), once the single processes are stopped so that they take no CPU.
      await Promise.all([baseline?.stop(), platform.stop()]);
      console.log(`starting the platform as ${settings.cluster.apis} API + ${settings.cluster.workers} worker processes`);
      cluster = await startPlatform({
        databaseUrl: `${settings.databaseBase}${suffix}_cluster`,
        redisUrl: settings.redisUrl,
        agents: settings.agents,
        fromSources: settings.fromSources,
        webhooks,
        apis: settings.cluster.apis,
        workers: settings.cluster.workers,
        built: true,
      });
      if (settings.warmupRate > 0) await step(cluster, 0, settings.warmupRate);
      for (let run = 1; run <= settings.runs; run++) {
        for (const rate of settings.openingRates) clusterSteps.push(await step(cluster, run, rate, openingOverrides(rate)));
      }
    }
  } finally {
    await Promise.all([baseline?.stop(), platform?.stop(), cluster?.stop()]);
    await Promise.all([graph.close(), xApi.close()]);
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench', 'results', smoke ? 'smoke.json' : complete ? 'latest.json' : 'partial.json'),
    JSON.stringify({ started, settings, steps: all, openingSteps, clusterSteps, socketSteps, saturations }, null, 2),
  );
  if (!smoke && complete) {
    const path = join(ROOT, 'BENCHMARKS.md');
    const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
    writeFileSync(path, report(all, saturations, socketSteps, started, openingSteps, clusterSteps) + '\n' + conditionsNote() + keptSections(previous));
  }
  const lost = all.reduce((sum, m) => sum + m.lost + (m.sent - m.accepted), 0);
  console.log(`BENCH_SUMMARY ${JSON.stringify({ steps: all.length, lost, saturations })}`);
  if (smoke && lost > 0) process.exitCode = 1;
}

/**
 * The opening path alone: each rate's baseline and platform side by side (median of the runs), where the platform's
 * time went (its stage timings), and what a message cost on each path (CPU ms, SQL statements).
 */
function openingReport(openingSteps: Measured[], all: Measured[]): string[] {
  if (openingSteps.length === 0) return [];
  const median = (values: (number | null | undefined)[]) => {
    const known = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
    return known.length === 0 ? null : known[Math.floor(known.length / 2)];
  };
  const of = (target: string, rate: number) => openingSteps.filter((m) => m.target === target && m.rate === rate);
  const lines = [
    '',
    '## Opening path alone',
    '',
    `Citizens each opening a conversation at the rate shown for ${settings.openingSeconds} s (web chat sockets, and ` +
      `${Math.round(settings.webhookShare * 100)} % through signed Messenger and X webhooks); on the platform every web chat ` +
      'citizen answers the triage menu with its first topic, as citizens do. The baseline does its equivalent: one INSERT, ' +
      'one job, one emit per opening message. Medians of the runs; "told place" is the first queue position (or the ' +
      'gendarme taking it) shown to a web chat citizen.',
    '',
    '| openings/s | baseline to desk p50 / p99 ms | platform to desk p50 / p99 ms | ratio p99 | platform told place p99 ms | menu -> confirmed p99 ms | opened (platform) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const rate of settings.openingRates) {
    const base = of('baseline', rate);
    const plat = of('platform', rate);
    const baseP99 = median(base.map((m) => m.opening.toDesk.p99));
    const platP99 = median(plat.map((m) => m.opening.toDesk.p99));
    lines.push(
      `| ${rate} | ${fmt(median(base.map((m) => m.opening.toDesk.p50)))} / ${fmt(baseP99)} | ` +
        `${fmt(median(plat.map((m) => m.opening.toDesk.p50)))} / ${fmt(platP99)} | ` +
        `${baseP99 && platP99 ? (platP99 / baseP99).toFixed(1) : '–'} | ${fmt(median(plat.map((m) => m.opening.toldPlace.p99)))} | ` +
        `${fmt(median(plat.map((m) => m.opening.menuToConfirmed.p99)))} | ${fmt(median(plat.map((m) => m.opening.opened)))} |`,
    );
  }
  const stageNames = [...new Set(openingSteps.flatMap((m) => Object.keys(m.stages ?? {})))];
  if (stageNames.length > 0) {
    lines.push(
      '',
      'Where the platform\'s time went during the opening steps (`brigade_stage_seconds` of its API and worker: mean ms per ' +
        'observation, and observations per opening; a stage runs concurrently with others, so the means do not add up to ' +
        'the latency):',
      '',
      `| openings/s | ${stageNames.join(' | ')} |`,
      `|---|${stageNames.map(() => '---').join('|')}|`,
    );
    for (const rate of settings.openingRates) {
      const plat = of('platform', rate);
      const cells = stageNames.map((stage) => {
        const mean = median(plat.map((m) => m.stages?.[stage]?.meanMs));
        const perOpening = median(plat.map((m) => (m.stages?.[stage] && m.opening.opened > 0 ? m.stages[stage].count / m.opening.opened : null)));
        return mean === null ? '–' : `${mean.toFixed(1)} ms × ${fmt(perOpening, 1)}`;
      });
      lines.push(`| ${rate} | ${cells.join(' | ')} |`);
    }
  }
  lines.push(
    '',
    'Cost per message by path: CPU ms of the target\'s own processes over the load window, and SQL statements sent (the ' +
      'platform counts its own, `brigade_db_statements_total`; the baseline sends one INSERT per message):',
    '',
    '| path | rate | baseline CPU ms / msg | platform CPU ms / msg | platform statements / msg |',
    '|---|---|---|---|---|',
  );
  for (const rate of settings.openingRates) {
    lines.push(
      `| opening (first message + menu answer) | ${rate}/s | ${fmt(median(of('baseline', rate).map((m) => m.cost.cpuMsPerMessage)), 2)} | ` +
        `${fmt(median(of('platform', rate).map((m) => m.cost.cpuMsPerMessage)), 2)} | ${fmt(median(of('platform', rate).map((m) => m.cost.statementsPerMessage)), 1)} |`,
    );
  }
  for (const rate of settings.rates) {
    const steps = (target: string) => all.filter((m) => m.target === target && m.rate === rate && m.run > 0);
    lines.push(
      `| mixed (open conversations, ${Math.round(settings.newConversationShare * 100)} % new) | ${rate} msg/s | ` +
        `${fmt(median(steps('baseline').map((m) => m.cost.cpuMsPerMessage)), 2)} | ${fmt(median(steps('platform').map((m) => m.cost.cpuMsPerMessage)), 2)} | ` +
        `${fmt(median(steps('platform').map((m) => m.cost.statementsPerMessage)), 1)} |`,
    );
  }
  return lines;
}

/**
 * The opening steps against one process of each and against the cluster (several API and worker processes), side by
 * side: what scale-out changes on this machine, with what it cannot show.
 */
function clusterReport(openingSteps: Measured[], clusterSteps: Measured[]): string[] {
  if (clusterSteps.length === 0) return [];
  const median = (values: (number | null | undefined)[]) => {
    const known = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
    return known.length === 0 ? null : known[Math.floor(known.length / 2)];
  };
  const layouts: [string, Measured[]][] = [
    [openingSteps.find((m) => m.target === 'platform')?.layout ?? '1 API + 1 worker', openingSteps.filter((m) => m.target === 'platform')],
    [clusterSteps[0].layout, clusterSteps],
  ];
  const lines = [
    '',
    '## Opening path: one process of each against several',
    '',
    `The same opening steps against the platform run as ${clusterSteps[0].layout} processes (one database, one queue prefix, ` +
      'Socket.io events fanned out through Redis), after the runs above, with the single processes stopped; desks, web chat ' +
      'citizens and webhook senders are spread over the API processes by index, as a load balancer would. Medians of the runs.',
    '',
    '| openings/s | layout | opened | to desk p50 / p99 ms | told place p99 ms | menu -> confirmed p99 ms | CPU ms / msg | statements / msg | CPU % of the platform\'s processes | CPU % PostgreSQL; machine |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const rate of settings.openingRates) {
    for (const [layout, steps] of layouts) {
      const of = steps.filter((m) => m.rate === rate);
      if (of.length === 0) continue;
      const processCpu = median(of.map((m) => Object.values(m.processes).reduce((sum, figures) => sum + figures.cpuPercent, 0)));
      lines.push(
        `| ${rate} | ${layout} | ${fmt(median(of.map((m) => m.opening.opened)))} | ` +
          `${fmt(median(of.map((m) => m.opening.toDesk.p50)))} / ${fmt(median(of.map((m) => m.opening.toDesk.p99)))} | ` +
          `${fmt(median(of.map((m) => m.opening.toldPlace.p99)))} | ${fmt(median(of.map((m) => m.opening.menuToConfirmed.p99)))} | ` +
          `${fmt(median(of.map((m) => m.cost.cpuMsPerMessage)), 2)} | ${fmt(median(of.map((m) => m.cost.statementsPerMessage)), 1)} | ` +
          `${fmt(processCpu)} | ${fmt(median(of.map((m) => m.services.postgresql?.cpuPercent)))}; ${fmt(median(of.map((m) => m.machineCpuPercent)))} |`,
      );
    }
  }
  lines.push(
    '',
    `What a ${cpus().length}-core machine can and cannot show: every process, PostgreSQL, Redis and the load generator share ` +
      'the same cores, so more processes cannot add capacity here; they add their own fixed costs (event loops, ' +
      'connection pools, Redis round trips of the Socket.io fan-out, contention on the routing lock between workers). ' +
      'What this step does show is that several processes keep every guarantee and stay in the same latency range; ' +
      'the throughput gained by adding nodes must be read from the CPU per message (the sizing at the end of this file), not from this machine.',
  );
  return lines;
}

/** BENCHMARKS.md from this line on belongs to the other benchmarks (knowledge base, message search): kept as it is. */
const KEPT_SECTIONS_MARKER = '<!-- npm run bench keeps what follows: the sections of the other benchmarks. -->';

function keptSections(previous: string): string {
  const at = previous.indexOf(KEPT_SECTIONS_MARKER);
  return at < 0 ? '' : `\n${previous.slice(at)}`;
}

function conditionsNote(): string {
  return [
    '## Conditions and method',
    '',
    `- Each target first runs a warm-up step at ${settings.warmupRate} msg/s, not reported (JIT, pools, prepared statements).`,
    `  Before every step the machine must be quiet (under ${QUIET_MACHINE_PERCENT} % of one core busy over a second, for at`,
    `  most ${Math.round(settings.quietWaitMs / 1000)} s): an overloaded step leaves a backlog that would otherwise be charged to the next one.`,
    '- Open loop: message k leaves at start + k / rate whatever the answers. A rate of R msg/s uses R regular citizens,',
    `  each with one conversation, opened before the loop at ${settings.openingRate} per second and sending about one`,
    '  message a second in it (the web chat allows a burst of 10 then 1/s per socket); every',
    `  ${Math.round(1 / settings.newConversationShare)}th message of the loop comes from a citizen writing for the first`,
    '  time, so new conversations and their routing stay in the measured path. Latency is measured inside the generator',
    '  (one clock), from the `message:send` emit to the desk socket event. A step passes with p99 <= 100 ms, >= 99 %',
    '  delivered and no error. The socket step instead has every citizen open a conversation during the step.',
    `- Ways in: ${Math.round(settings.webhookShare * 100)} % of the regular messages come from Messenger and X users (half`,
    '  each) as signed webhooks (HMAC-SHA256 on the raw body, as Meta and X sign them) posted to `/webhooks/facebook`',
    '  and `/webhooks/twitter`; the platform answers them through loopback fakes of the Graph and X APIs. The baseline',
    '  verifies the same signatures and stores each event with one INSERT and one job. Agents answer the web chat part.',
    '- Baseline (`bench/baseline/`): node:http + socket.io, one INSERT, BullMQ add; a worker process takes the job and',
    '  hands the emit back through a BullMQ "realtime" queue to the server, which emits to the agent room: the same',
    '  hops as the platform without NestJS, TypeORM, the ingestion transaction, routing or the desk views.',
    '- Platform: `npm run build:server`, then `node dist/apps/api/src/main.js` and `node dist/apps/worker/src/main.js`',
    '  with their own database (migrated) and queue prefix, LOG_LEVEL=warn; agents inserted on duty and available,',
    '  logged in over REST and connected to `/desk`; conversations are closed between steps to free capacity.',
    '- CPU % is of one core (200 % = both cores of a 2-core machine), over the load window (first message to the end of',
    '  the drain); PostgreSQL is all its processes (the server is shared by both targets\' databases), the machine is',
    '  every busy core from /proc/stat. Peak RSS is the highest resident size sampled every 250 ms during the step.',
    `- Opening steps (${settings.openingRates.join(', ')} per second, ${settings.openingSeconds} s each, after the fixed`,
    '  rates of each run): every citizen of the step opens one conversation, paced at the rate, and nothing else is sent;',
    '  the webhook share of them through signed Messenger and X webhooks. On the platform each web chat citizen answers',
    '  the triage menu with its first topic (1.1 s after opening, as the web chat allows one message a second). Measured:',
    '  send -> the conversation on a desk (both targets), send -> the first queue position shown (platform), and the',
    '  platform\'s own stage timings and statement counter scraped from its API and worker before and after the step.',
    '  CPU ms per message is the target processes\' CPU over the load window divided by the citizen messages of the step.',
    ...(settings.cluster
      ? [
          `- Scale-out steps: the opening steps again, platform only, against ${settings.cluster.apis} API + ${settings.cluster.workers}`,
          '  worker processes started from the same build on their own database and queue prefix, after a warm-up step; the',
          '  single processes and the baseline are stopped first. Costs sum the metrics and CPU of every process of the cluster.',
        ]
      : []),
    '- The machine may be shared: compare the platform with the baseline of the same run, not with another machine.',
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
