import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';

/** Small numeric helpers shared by the load generator and the report. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function summarise(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by a process, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Resident and peak resident memory in MiB, from /proc/<pid>/status. */
export function memory(pid: number): { rssMiB: number; peakRssMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Pids of every process whose command name is `name` (e.g. all PostgreSQL backends, `redis-server`). */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

/** Busy and total CPU time of the whole machine (all cores), in clock ticks, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, n) => sum + n, 0);
  // idle and iowait are the only fields that are not work.
  return { busy: total - fields[3] - fields[4], total };
}

/**
 * Waits until the machine is quiet: its busy share under `maxBusyPercent` (of one core) over one second, at most
 * `timeoutMs`. A step that overloaded a target leaves a backlog its processes work through afterwards; the next step
 * must not be measured on top of it. Answers how long it waited.
 */
export async function waitForQuietMachine(maxBusyPercent: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const before = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = machineTicks();
    const busy = ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * 100 * cpus().length;
    if (busy < maxBusyPercent || Date.now() - started >= timeoutMs) return Date.now() - started;
  }
}

/** One process by pid, or a set found anew at each reading (PostgreSQL runs one process per connection). */
export type SampledProcess = number | (() => number[]);

type CpuReading = { at: number; perPid: Map<number, number> };

function readCpu(process: SampledProcess): CpuReading {
  const pids = typeof process === 'number' ? [process] : process();
  const perPid = new Map<number, number>();
  for (const pid of pids) {
    const seconds = cpuSeconds(pid);
    if (seconds !== null) perPid.set(pid, seconds);
  }
  return { at: Date.now(), perPid };
}

/** CPU seconds used between two readings; a process that appeared in between counts from zero. */
function cpuUsed(start: CpuReading, stop: CpuReading): number {
  let used = 0;
  for (const [pid, seconds] of stop.perPid) used += seconds - (start.perPid.get(pid) ?? 0);
  return used;
}

export interface SampledFigures {
  cpuPercent: number;
  peakRssMiB: number;
  processPeakRssMiB: number;
}

/**
 * Samples a set of processes during a step: average CPU (% of one core) over the load window (from the first message
 * of the open loop to the end of its drain, so connecting sockets and idle waits do not dilute it) and the highest
 * resident memory over the whole step. The whole machine's busy CPU over the same window is read from /proc/stat, so
 * that what the processes under test use can be told from what the shared services and the generator use.
 */
export class ProcessSampler {
  private readonly start = new Map<string, CpuReading>();
  private readonly stop = new Map<string, CpuReading>();
  private readonly peakRss = new Map<string, number>();
  private machineStart = machineTicks();
  private machineStop: { busy: number; total: number } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly processes: Record<string, SampledProcess>) {}

  begin(): void {
    this.loadStarted();
    for (const name of Object.keys(this.processes)) this.peakRss.set(name, this.rssOf(name));
    this.timer = setInterval(() => this.sample(), 250);
  }

  /** The open loop begins: CPU is counted from here. */
  loadStarted(): void {
    for (const [name, process] of Object.entries(this.processes)) this.start.set(name, readCpu(process));
    this.machineStart = machineTicks();
  }

  /** The open loop and its drain are over: CPU is counted up to here. */
  loadEnded(): void {
    for (const [name, process] of Object.entries(this.processes)) this.stop.set(name, readCpu(process));
    this.machineStop = machineTicks();
  }

  /** Figures per process, and the machine's busy share over the load window (% of one core, 200 % = 2 cores busy). */
  end(): { processes: Record<string, SampledFigures>; machineCpuPercent: number } {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const processes: Record<string, SampledFigures> = {};
    for (const [name, process] of Object.entries(this.processes)) {
      const start = this.start.get(name)!;
      const stop = this.stop.get(name) ?? readCpu(process);
      const seconds = Math.max(0.001, (stop.at - start.at) / 1000);
      const pids = typeof process === 'number' ? [process] : [...stop.perPid.keys()];
      processes[name] = {
        cpuPercent: Math.round((cpuUsed(start, stop) / seconds) * 100),
        peakRssMiB: Math.round(this.peakRss.get(name) ?? 0),
        processPeakRssMiB: Math.round(Math.max(0, ...pids.map((pid) => memory(pid)?.peakRssMiB ?? 0))),
      };
    }
    const machineStop = this.machineStop ?? machineTicks();
    const ticks = Math.max(1, machineStop.total - this.machineStart.total);
    const machineCpuPercent = Math.round(((machineStop.busy - this.machineStart.busy) / ticks) * 100 * cpus().length);
    return { processes, machineCpuPercent };
  }

  /** Pids of a set as found at the last CPU reading: listing every process four times a second would load the machine. */
  private rssOf(name: string): number {
    const process = this.processes[name];
    const pids = typeof process === 'number' ? [process] : [...(this.start.get(name)?.perPid.keys() ?? [])];
    return pids.reduce((sum, pid) => sum + (memory(pid)?.rssMiB ?? 0), 0);
  }

  private sample(): void {
    for (const name of Object.keys(this.processes)) {
      const rss = this.rssOf(name);
      if (rss > (this.peakRss.get(name) ?? 0)) this.peakRss.set(name, rss);
    }
  }
}

/** Cumulative histogram buckets of one Prometheus histogram, from a text exposition. */
export function histogramBuckets(text: string, name: string): Map<number, number> {
  const buckets = new Map<number, number>();
  const pattern = new RegExp(`^${name}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm');
  for (const match of text.matchAll(pattern)) {
    const bound = match[1] === '+Inf' ? Infinity : Number(match[1]);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  return buckets;
}

/** Quantile (upper bucket bound, in ms) of the observations made between two scrapes. */
export function histogramQuantileMs(before: Map<number, number>, after: Map<number, number>, q: number): number | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return null;
  for (const bound of bounds) {
    const count = (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
    if (count >= q * total) return bound === Infinity ? Infinity : bound * 1000;
  }
  return null;
}

/** Sum of every series of a counter (or of a histogram's `_sum` / `_count`) in a Prometheus text exposition. */
export function metricTotal(text: string, name: string): number {
  let total = 0;
  const pattern = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm');
  for (const match of text.matchAll(pattern)) total += Number(match[1]);
  return total;
}

/** Per stage of `brigade_stage_seconds`: total seconds and observations, from one scrape. */
export function stageTotals(text: string): Map<string, { seconds: number; count: number }> {
  const totals = new Map<string, { seconds: number; count: number }>();
  const pattern = /^brigade_stage_seconds_(sum|count)\{stage="([^"]+)"\} (\S+)$/gm;
  for (const match of text.matchAll(pattern)) {
    const entry = totals.get(match[2]) ?? { seconds: 0, count: 0 };
    if (match[1] === 'sum') entry.seconds += Number(match[3]);
    else entry.count += Number(match[3]);
    totals.set(match[2], entry);
  }
  return totals;
}

/** The stage figures of the observations made between two scrapes: how many, and the mean in ms. */
export function stageDeltas(
  before: Map<string, { seconds: number; count: number }>,
  after: Map<string, { seconds: number; count: number }>,
): Record<string, { count: number; meanMs: number; totalMs: number }> {
  const deltas: Record<string, { count: number; meanMs: number; totalMs: number }> = {};
  for (const [stage, end] of after) {
    const start = before.get(stage) ?? { seconds: 0, count: 0 };
    const count = end.count - start.count;
    if (count <= 0) continue;
    const totalMs = (end.seconds - start.seconds) * 1000;
    deltas[stage] = { count, meanMs: Number((totalMs / count).toFixed(2)), totalMs: Math.round(totalMs) };
  }
  return deltas;
}
