/**
 * The baseline's worker process: takes each inbound job, picks the agent (a hash of the visitor: no routing
 * table), and hands the event to the API process through the "realtime" queue, as the platform's worker does.
 */
import { Queue, Worker } from 'bullmq';
import { createHash } from 'node:crypto';

const prefix = process.env.QUEUE_PREFIX ?? 'bench-baseline';
const connection = { host: '127.0.0.1', port: Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379) };
const agents = Number(process.env.BENCH_AGENTS ?? 20);
const realtime = new Queue('realtime', { connection, prefix });
const defaults = { removeOnComplete: true, removeOnFail: 1000, attempts: 3 };

function agentFor(visitorId: string): string {
  return `agent-${createHash('sha1').update(visitorId).digest().readUInt32BE(0) % agents}`;
}

const ingest = new Worker(
  'inbound',
  async (job) => {
    const { id, visitorId, text } = job.data as { id: string; visitorId: string; text: string };
    await realtime.add(
      'emit',
      {
        namespace: '/desk',
        room: `agent:${agentFor(visitorId)}`,
        event: 'message:new',
        payload: { id, conversationId: visitorId, author: 'citizen', text },
      },
      defaults,
    );
  },
  { connection, prefix, concurrency: 16 },
);

const deliver = new Worker(
  'outbound',
  async (job) => {
    const { id, visitorId, text } = job.data as { id: string; visitorId: string; text: string };
    await realtime.add(
      'emit',
      { namespace: '/webchat', room: `citizen:${visitorId}`, event: 'message', payload: { id, author: 'agent', text } },
      defaults,
    );
  },
  { connection, prefix, concurrency: 16 },
);

console.log('baseline worker started');

async function shutdown(): Promise<void> {
  await Promise.all([ingest.close(), deliver.close()]);
  await realtime.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
