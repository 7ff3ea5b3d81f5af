import { readFileSync } from 'node:fs';

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

/**
 * Samples a set of processes during a step: average CPU (% of one core) over the load window (from the first message
 * of the open loop to the end of its drain, so connecting sockets and idle waits do not dilute it) and the highest
 * resident memory over the whole step.
 */
export class ProcessSampler {
  private readonly start = new Map<string, { cpu: number; at: number }>();
  private readonly stop = new Map<string, { cpu: number; at: number }>();
  private readonly peakRss = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly processes: Record<string, number>) {}

  begin(): void {
    for (const [name, pid] of Object.entries(this.processes)) {
      this.start.set(name, { cpu: cpuSeconds(pid) ?? 0, at: Date.now() });
      this.peakRss.set(name, memory(pid)?.rssMiB ?? 0);
    }
    this.timer = setInterval(() => this.sample(), 250);
  }

  /** The open loop begins: CPU is counted from here. */
  loadStarted(): void {
    for (const [name, pid] of Object.entries(this.processes)) this.start.set(name, { cpu: cpuSeconds(pid) ?? 0, at: Date.now() });
  }

  /** The open loop and its drain are over: CPU is counted up to here. */
  loadEnded(): void {
    for (const [name, pid] of Object.entries(this.processes)) this.stop.set(name, { cpu: cpuSeconds(pid) ?? 0, at: Date.now() });
  }

  end(): Record<string, { cpuPercent: number; peakRssMiB: number; processPeakRssMiB: number }> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const result: Record<string, { cpuPercent: number; peakRssMiB: number; processPeakRssMiB: number }> = {};
    for (const [name, pid] of Object.entries(this.processes)) {
      const start = this.start.get(name)!;
      const stop = this.stop.get(name) ?? { cpu: cpuSeconds(pid) ?? start.cpu, at: Date.now() };
      const seconds = Math.max(0.001, (stop.at - start.at) / 1000);
      const used = stop.cpu - start.cpu;
      result[name] = {
        cpuPercent: Math.round((used / seconds) * 100),
        peakRssMiB: Math.round(this.peakRss.get(name) ?? 0),
        processPeakRssMiB: Math.round(memory(pid)?.peakRssMiB ?? 0),
      };
    }
    return result;
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.processes)) {
      const rss = memory(pid)?.rssMiB ?? 0;
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
