/**
 * `npm run bench:profile -- <file.cpuprofile>...`: where a process spent its CPU, from the V8 profiles that
 * `--cpu-prof` writes (BENCH_API_NODE_ARGS / BENCH_WORKER_NODE_ARGS): self time per package (node_modules/<name>, the
 * project's own code, node's internals, garbage collection, idle) and the heaviest functions.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The package a function belongs to, from its script URL. */
export function packageOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return 'node';
  const project = /\/(apps|libs|bench)\/([^/]+)\//.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

function summarise(path: string): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // Self time per node from the samples and their time deltas (µs), which is exact where hitCount is only a count.
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...selfMicros.values()].reduce((sum, n) => sum + n, 0);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id)!;
    const name = packageOf(node);
    byPackage.set(name, (byPackage.get(name) ?? 0) + micros);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
  }
  const idle = byPackage.get('(idle)') ?? 0;
  const share = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)} %`;
  console.log(`\n${path}: ${(total / 1e6).toFixed(1)} s profiled, ${share(total - idle)} busy`);
  console.log('  self time by package:');
  for (const [name, micros] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${share(micros)}  ${name}`);
  console.log('  heaviest functions (self time):');
  for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${share(micros)}  ${name}`);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run bench:profile -- <file.cpuprofile>...');
  process.exit(2);
}
files.forEach(summarise);
