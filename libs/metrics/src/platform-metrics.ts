import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric of the platform, in one registry shared by whatever runs in this process
 * (API, worker, or both in standalone mode). Call sites only increment or observe; the registry is read by
 * the API's /metrics route and by the worker's metrics server.
 */
export const metricsRegistry = new Registry();

// Node's own figures (event loop lag percentiles, heap, GC, CPU) come from prom-client's default collectors.
collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 10 });

export const platformMetrics = {
  /** Jobs per queue and state, read from Redis when scraped (set by the queue collector). */
  queueJobs: new Gauge({
    name: 'brigade_queue_jobs',
    help: 'Jobs per BullMQ queue and state, at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [metricsRegistry],
  }),
  queueOldestWaitingSeconds: new Gauge({
    name: 'brigade_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job still waiting in each queue, at scrape time',
    labelNames: ['queue'] as const,
    registers: [metricsRegistry],
  }),
  conversationsWaiting: new Gauge({
    name: 'brigade_conversations_waiting',
    help: 'Conversations waiting for an agent, at scrape time',
    registers: [metricsRegistry],
  }),
  conversationsOldestWaitingSeconds: new Gauge({
    name: 'brigade_conversations_oldest_waiting_seconds',
    help: 'How long the longest-waiting conversation has waited, at scrape time',
    registers: [metricsRegistry],
  }),
  assignments: new Counter({
    name: 'brigade_assignments_total',
    help: 'Conversations assigned to an agent, by routing reason',
    labelNames: ['reason'] as const,
    registers: [metricsRegistry],
  }),
  messages: new Counter({
    name: 'brigade_messages_total',
    help: 'Messages stored (inbound) or sent (outbound), by channel',
    labelNames: ['channel', 'direction'] as const,
    registers: [metricsRegistry],
  }),
  deliveryFailures: new Counter({
    name: 'brigade_delivery_failures_total',
    help: 'Failed delivery attempts of agent replies, by reason (transient: retried, permanent: given up)',
    labelNames: ['reason'] as const,
    registers: [metricsRegistry],
  }),
  socketConnections: new Gauge({
    name: 'brigade_socket_connections',
    help: 'Socket.io connections open on this API process, by namespace',
    labelNames: ['namespace'] as const,
    registers: [metricsRegistry],
  }),
  routingDecisionSeconds: new Histogram({
    name: 'brigade_routing_decision_seconds',
    help: 'Time to take one routing decision: lock, read agents and queue, apply the policy, write',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metricsRegistry],
  }),
  /**
   * Where a message's time goes, stage by stage (see MESSAGE_STAGES): what `npm run bench` breaks the opening path
   * down with. Each stage is timed where it runs (API or worker); a message passes some stages more than once.
   */
  stageSeconds: new Histogram({
    name: 'brigade_stage_seconds',
    help: 'Time spent in one stage of the message path (intake, acknowledgement, triage, routing_lock_wait, routing, desk_view, queue_status, push)',
    labelNames: ['stage'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metricsRegistry],
  }),
  /** SQL statements sent to PostgreSQL by this process (TypeORM queries and named prepared statements). */
  dbStatements: new Counter({
    name: 'brigade_db_statements_total',
    help: 'SQL statements sent to PostgreSQL by this process',
    registers: [metricsRegistry],
  }),
};

export type PlatformMetrics = typeof platformMetrics;

/**
 * The stages of the message path timed by `brigade_stage_seconds`: intake (the worker stores the message, its contact
 * and conversation), acknowledgement (the first-message reply), triage (the assistant), routing_lock_wait (waiting
 * for the routing advisory lock), routing (one routing pass, lock included), desk_view (building the desk's view of
 * an assigned conversation), queue_status (computing and pushing waiting citizens' positions), push (one event
 * appended to the Socket.io stream).
 */
export const MESSAGE_STAGES = [
  'intake',
  // Linking or downloading and storing the files of a message (only messages that have some).
  'attachments',
  'acknowledgement',
  'triage',
  'routing_lock_wait',
  'routing',
  'desk_view',
  'queue_status',
  'push',
] as const;
export type MessageStage = (typeof MESSAGE_STAGES)[number];

/** Runs one stage of the message path and records how long it took, whether it succeeded or threw. */
export async function timeStage<T>(stage: MessageStage, work: () => Promise<T>): Promise<T> {
  const end = platformMetrics.stageSeconds.startTimer({ stage });
  try {
    return await work();
  } finally {
    end();
  }
}
