// Load time, memory and search latency of the commune list (docs/reports-and-email.md):
//   node -r ts-node/register/transpile-only bench/commune-search.ts
import { loadavg } from 'node:os';
import { CommuneCatalogue } from '../libs/unit-reports/src/commune-catalogue';

const QUERIES = ['saint etienne', 'evreux', 'paris', '35000', 'st', 'ploermel', 'le', 'brest', 'aix en provence', 'villeneuve'];
const ROUNDS = 50;

const catalogue = new CommuneCatalogue();
const heapBefore = process.memoryUsage().heapUsed;
const cpuBefore = process.cpuUsage();
let started = process.hrtime.bigint();
catalogue.load();
const loadCpu = process.cpuUsage(cpuBefore);
const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
const times: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const query of QUERIES) {
    started = process.hrtime.bigint();
    catalogue.search(query);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}
times.sort((a, b) => a - b);
const at = (quantile: number) => times[Math.min(times.length - 1, Math.floor(times.length * quantile))].toFixed(2);
console.log(
  JSON.stringify({
    communes: catalogue.size,
    loadMs: Math.round(loadMs),
    loadCpuMs: Math.round((loadCpu.user + loadCpu.system) / 1000),
    heapMb: Math.round(heapMb),
    searches: times.length,
    medianMs: at(0.5),
    p99Ms: at(0.99),
    loadAverage: loadavg()[0].toFixed(1),
  }),
);
