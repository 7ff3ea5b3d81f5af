/**
 * The raw baseline: the same components as the platform with no framework. node:http + socket.io, one INSERT
 * per citizen message, a BullMQ job for the worker process, and a BullMQ "realtime" queue back to this process,
 * which emits to the agent's (or citizen's) room, as the platform's relay does.
 */
import { Queue, Worker } from 'bullmq';
import { IncomingMessage, createServer } from 'node:http';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Pool } from 'pg';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const prefix = process.env.QUEUE_PREFIX ?? 'bench-baseline';
const connection = { host: '127.0.0.1', port: Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379) };
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const inbound = new Queue('inbound', { connection, prefix });
const outbound = new Queue('outbound', { connection, prefix });
const jobDefaults = { removeOnComplete: true, removeOnFail: 1000, attempts: 3 };

const facebookSecret = process.env.BENCH_FACEBOOK_APP_SECRET ?? '';
const xSecret = process.env.BENCH_X_CONSUMER_SECRET ?? '';

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function signatureMatches(expected: string, given: string | undefined): boolean {
  return given !== undefined && given.length === expected.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** The same work per event as the web chat: one INSERT, one job. */
async function store(senderId: string, messageId: string, text: string): Promise<void> {
  const { rows } = await pool.query(
    'INSERT INTO bench_messages (visitor_id, client_message_id, text) VALUES ($1, $2, $3) RETURNING id',
    [senderId, messageId, text],
  );
  const id = String(rows[0].id);
  await inbound.add('ingest', { id, visitorId: senderId, text }, { ...jobDefaults, jobId: `m-${id}` });
}

/** Signed Messenger and X webhooks, verified on the raw body as the platform does, then stored event by event. */
async function webhook(request: IncomingMessage): Promise<number> {
  const raw = await readBody(request);
  if (request.url === '/webhooks/facebook') {
    const expected = `sha256=${createHmac('sha256', facebookSecret).update(raw).digest('hex')}`;
    if (!signatureMatches(expected, request.headers['x-hub-signature-256'] as string | undefined)) return 401;
    const body = JSON.parse(raw.toString()) as {
      entry: { messaging: { sender: { id: string }; message?: { mid: string; text?: string } }[] }[];
    };
    for (const entry of body.entry) {
      for (const event of entry.messaging) if (event.message) await store(event.sender.id, event.message.mid, event.message.text ?? '');
    }
    return 200;
  }
  const expected = `sha256=${createHmac('sha256', xSecret).update(raw).digest('base64')}`;
  if (!signatureMatches(expected, request.headers['x-twitter-webhooks-signature'] as string | undefined)) return 401;
  const body = JSON.parse(raw.toString()) as {
    direct_message_events: { id: string; message_create: { sender_id: string; message_data: { text: string } } }[];
  };
  for (const event of body.direct_message_events) {
    await store(event.message_create.sender_id, event.id, event.message_create.message_data.text);
  }
  return 200;
}

const http = createServer((request, response) => {
  if (request.method === 'POST' && (request.url === '/webhooks/facebook' || request.url === '/webhooks/twitter')) {
    webhook(request)
      .then((status) => response.writeHead(status).end())
      .catch(() => response.writeHead(500).end());
    return;
  }
  response.writeHead(request.url === '/health' ? 200 : 404).end();
});
const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 64 * 1024 });

io.of('/webchat').on('connection', (socket) => {
  const visitorId = randomUUID();
  void socket.join(`citizen:${visitorId}`);
  socket.emit('session', { token: visitorId, visitorId });
  socket.on('message:send', async (request: { clientMessageId: string; text: string }, ack: (result: unknown) => void) => {
    try {
      const { rows } = await pool.query(
        'INSERT INTO bench_messages (visitor_id, client_message_id, text) VALUES ($1, $2, $3) RETURNING id',
        [visitorId, request.clientMessageId, request.text],
      );
      const id = String(rows[0].id);
      inbound.add('ingest', { id, visitorId, text: request.text }, { ...jobDefaults, jobId: `m-${id}` }).catch(() => undefined);
      ack({ ok: true, data: { id } });
    } catch (error) {
      ack({ ok: false, error: String(error), status: 500 });
    }
  });
});

io.of('/desk').on('connection', (socket) => {
  const agentId = String(socket.handshake.auth?.token ?? '');
  void socket.join(`agent:${agentId}`);
  socket.on('presence:set', (request: { presence: string }, ack: (result: unknown) => void) => ack({ ok: true, data: request }));
  socket.on(
    'message:send',
    async (request: { conversationId: string; clientMessageId: string; text: string }, ack: (result: unknown) => void) => {
      try {
        const { rows } = await pool.query(
          'INSERT INTO bench_replies (visitor_id, agent_id, text) VALUES ($1, $2, $3) RETURNING id',
          [request.conversationId, agentId, request.text],
        );
        const id = String(rows[0].id);
        await outbound.add('deliver', { id, visitorId: request.conversationId, text: request.text }, { ...jobDefaults, jobId: `r-${id}` });
        ack({ ok: true, data: { id } });
      } catch (error) {
        ack({ ok: false, error: String(error), status: 500 });
      }
    },
  );
});

const relay = new Worker(
  'realtime',
  async (job) => {
    const { namespace, room, event, payload } = job.data as { namespace: string; room: string; event: string; payload: unknown };
    io.of(namespace).to(room).emit(event, payload);
  },
  { connection, prefix, concurrency: 64 },
);

http.listen(port, '127.0.0.1', () => {
  const address = http.address();
  console.log(`baseline listening ${typeof address === 'object' && address ? address.port : port}`);
});

async function shutdown(): Promise<void> {
  await relay.close();
  io.close();
  await Promise.all([inbound.close(), outbound.close(), pool.end()]);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
