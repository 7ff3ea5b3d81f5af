/**
 * Open-loop load generator, run as its own process: citizens on the web chat socket send at a fixed rate
 * whatever the answers; agents on the desk socket answer part of them. Prints one JSON result line.
 *
 * The workload of a contact desk: most messages belong to conversations already open, and a share opens new ones.
 * Each step first opens one conversation per regular citizen at a paced rate (timed apart, as "opening"), then
 * runs the measured open loop, in which every `1 / newConversationShare`-th message comes from a citizen writing
 * for the first time (routing is in the measured path) and the others from the regular citizens. A share of the
 * regular traffic comes from Messenger and X users through signed webhooks instead of the web chat socket.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { LatencySummary, summarise } from './bench-stats';

export interface StepRequest {
  url: string;
  /**
   * Every API process of the target when it has several (a cluster): desks, citizens and webhook senders are spread
   * over them by index, as a load balancer would. Absent: `url` alone.
   */
  urls?: string[];
  rate: number;
  durationSeconds: number;
  /** Desk access tokens (platform) or agent ids (baseline). */
  agentTokens: string[];
  /** Share of citizen messages an agent answers. */
  replyRatio: number;
  /** How long to wait for late deliveries after the last send. */
  drainMs: number;
  /** Each citizen sends one message per this many ms, so that `rate` needs rate * interval / 1000 citizens. */
  citizenIntervalMs: number;
  /** Share of the measured messages sent by citizens writing for the first time (0 = none). */
  newConversationShare: number;
  /** Conversations opened per second before the measured loop (one per regular citizen). */
  openingRate: number;
  /** Signed Messenger and X webhooks carrying `webhookShare` of the regular messages, half each. */
  webhooks: {
    share: number;
    facebookAppSecret: string;
    facebookPageId: string;
    xConsumerSecret: string;
    xAccountId: string;
  } | null;
  tag: string;
  /**
   * The opening path alone: no open loop; `rate * durationSeconds` citizens each open one conversation, paced at
   * `rate` (web chat sockets, and a `webhooks.share` of them through signed webhooks), and answer the triage menu with
   * its first topic as a citizen would.
   */
  openingOnly?: boolean;
}

type Route = 'webchat' | 'facebook' | 'x';

export interface StepResult {
  rate: number;
  sent: number;
  accepted: number;
  delivered: number;
  duplicates: number;
  lost: number;
  errors: Record<string, number>;
  sendSeconds: number;
  deliveredRate: number;
  sockets: { citizens: number; desks: number; connectErrors: number };
  citizenToDesk: LatencySummary;
  /** The measured messages that opened a conversation: send -> `conversation:assigned` on a desk. */
  newConversationToDesk: LatencySummary;
  /** Send (socket emit or webhook POST) -> desk, per way in. */
  byRoute: Record<Route, LatencySummary>;
  /** Conversations opened before the loop, at `openingRate`, and how long each took to reach a desk. */
  opening: {
    rate: number;
    opened: number;
    toDesk: LatencySummary;
    /** Web chat: send -> the first `status` telling the citizen their place (or that a gendarme has it). */
    toldPlace: LatencySummary;
    /**
     * Web chat: triage menus answered (platform only: the baseline has no assistant), and answer -> topic confirmed
     * for the conversations still waiting when the answer came.
     */
    menuAnswered: number;
    menuAcked: number;
    menuToConfirmed: LatencySummary;
  };
  repliesSent: number;
  repliesDelivered: number;
  replyToCitizen: LatencySummary;
  generatorLagMsMax: number;
}

const now = () => performance.timeOrigin + performance.now();
type Ack = { ok: boolean; error?: string };
interface DeskMessage {
  id: string;
  conversationId: string;
  author: string;
  text: string;
}

/** Connects, and for a citizen also waits for the session the server sends right after the handshake. */
function connect(url: string, auth: Record<string, string>, awaitSession = false): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true, timeout: 20_000 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timeout')), 30_000);
    const done = () => {
      clearTimeout(timer);
      resolve(socket);
    };
    if (awaitSession) socket.once('session', done);
    else socket.once('connect', done);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function inBatches<T>(count: number, size: number, make: (index: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, offset) => make(start + offset));
    results.push(...(await Promise.allSettled(batch)));
  }
  return results;
}

/** Moments of a step the parent process measures between (CPU is counted over the load window only). */
export type StepPhase = 'load-start' | 'load-end';

export async function runStep(request: StepRequest, markPhase: (phase: StepPhase) => void = () => undefined): Promise<StepResult> {
  const openingOnly = request.openingOnly === true;
  const apiUrls = request.urls && request.urls.length > 0 ? request.urls : [request.url];
  const apiUrl = (index: number) => apiUrls[index % apiUrls.length];
  const total = openingOnly ? 0 : Math.max(1, Math.round(request.rate * request.durationSeconds));
  // Opening alone: every citizen of the step opens one conversation (the webhook share of them through webhooks).
  const openingCitizens = Math.max(1, Math.round(request.rate * request.durationSeconds));
  const citizenCount = openingOnly
    ? Math.max(1, Math.round(openingCitizens * (1 - (request.webhooks?.share ?? 0))))
    : Math.max(1, Math.min(total, Math.ceil((request.rate * request.citizenIntervalMs) / 1000)));
  const newEvery = request.newConversationShare > 0 ? Math.max(1, Math.round(1 / request.newConversationShare)) : Infinity;
  const isNewConversation = (index: number) => index % newEvery === newEvery - 1;
  const newCitizenCount = newEvery === Infinity ? 0 : Math.floor(total / newEvery);
  const newConversationToDesk: number[] = [];
  const openingSentAt = new Map<number, number>();
  const openingToDesk: number[] = [];
  // Regular messages by way in: out of every ten, the first ones go through the webhooks.
  const webhookTenths = request.webhooks ? Math.round(request.webhooks.share * 10) : 0;
  const routeOf = (index: number): Route => {
    if (isNewConversation(index) || webhookTenths === 0) return 'webchat';
    const tenth = index % 10;
    return tenth < webhookTenths / 2 ? 'facebook' : tenth < webhookTenths ? 'x' : 'webchat';
  };
  const webhookSenders = !request.webhooks
    ? 0
    : openingOnly
      ? Math.max(1, Math.round((openingCitizens - citizenCount) / 2))
      : Math.max(1, Math.ceil((citizenCount * request.webhooks.share) / 2));
  const toldPlace: number[] = [];
  const menuSentAt = new Map<number, number>();
  const menuToConfirmed: number[] = [];
  let menuAnswered = 0;
  let menuAcked = 0;
  let menuSettled = 0;
  const latencyByRoute: Record<Route, number[]> = { webchat: [], facebook: [], x: [] };
  let webhookSequence = 0;
  /** One signed webhook POST carrying one message of `sender` (0-based) on Messenger or X; resolves to the status. */
  const postWebhook = async (route: 'facebook' | 'x', sender: number, text: string): Promise<number> => {
    const hooks = request.webhooks!;
    const mid = `${request.tag}.${route}.${++webhookSequence}`;
    const senderId = `${route}-${request.tag}-${sender}`;
    const body =
      route === 'facebook'
        ? {
            object: 'page',
            entry: [
              {
                id: hooks.facebookPageId,
                time: Date.now(),
                messaging: [
                  { sender: { id: senderId }, recipient: { id: hooks.facebookPageId }, timestamp: Date.now(), message: { mid, text } },
                ],
              },
            ],
          }
        : {
            for_user_id: hooks.xAccountId,
            direct_message_events: [
              {
                type: 'message_create',
                id: mid,
                created_timestamp: String(Date.now()),
                message_create: { target: { recipient_id: hooks.xAccountId }, sender_id: senderId, message_data: { text, entities: {} } },
              },
            ],
            users: {},
          };
    const raw = JSON.stringify(body);
    const signature =
      route === 'facebook'
        ? `sha256=${createHmac('sha256', hooks.facebookAppSecret).update(raw).digest('hex')}`
        : `sha256=${createHmac('sha256', hooks.xConsumerSecret).update(raw).digest('base64')}`;
    const response = await fetch(`${apiUrl(sender)}/webhooks/${route === 'facebook' ? 'facebook' : 'twitter'}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [route === 'facebook' ? 'x-hub-signature-256' : 'x-twitter-webhooks-signature']: signature,
      },
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  };
  const told = new Set<number>();
  const confirmed = new Set<number>();
  /** When each citizen's opening message left (kept after it reached a desk, for the status that may follow). */
  const openedAt = new Map<number, number>();
  const errors: Record<string, number> = {};
  const fail = (reason: string) => (errors[reason] = (errors[reason] ?? 0) + 1);
  const sentAt = new Map<number, number>();
  const deliveredAt = new Map<number, number>();
  const replySentAt = new Map<number, number>();
  const citizenToDesk: number[] = [];
  const replyToCitizen: number[] = [];
  let duplicates = 0;
  let accepted = 0;
  let repliesDelivered = 0;
  let repliesSent = 0;
  let connectErrors = 0;
  const replyEvery = request.replyRatio > 0 ? Math.max(1, Math.round(1 / request.replyRatio)) : Infinity;

  // Agents first, so that the first conversations find someone on duty.
  const desks: Socket[] = [];
  for (const result of await inBatches(request.agentTokens.length, 50, (i) => connect(`${apiUrl(i)}/desk`, { token: request.agentTokens[i] }))) {
    if (result.status === 'fulfilled') desks.push(result.value);
    else connectErrors++;
  }
  const onCitizenMessage = (desk: Socket, message: DeskMessage) => {
    if (message.author !== 'citizen') return;
    const opening = /^open (\S+) (\d+)$/.exec(message.text);
    if (opening && opening[1] === request.tag) {
      const started = openingSentAt.get(Number(opening[2]));
      if (started !== undefined) openingToDesk.push(now() - started);
      openingSentAt.delete(Number(opening[2]));
      return;
    }
    const match = /^bench (\S+) (\d+)$/.exec(message.text);
    // Late deliveries of an earlier step are not this step's.
    if (!match || match[1] !== request.tag) return;
    const index = Number(match[2]);
    const at = now();
    if (deliveredAt.has(index)) {
      duplicates++;
      return;
    }
    deliveredAt.set(index, at);
    const started = sentAt.get(index);
    if (started !== undefined) citizenToDesk.push(at - started);
    if (started !== undefined && isNewConversation(index)) newConversationToDesk.push(at - started);
    if (started !== undefined) latencyByRoute[routeOf(index)].push(at - started);
    // Replies are measured on the web chat, where the generator is the citizen.
    if (index % replyEvery === 0 && routeOf(index) === 'webchat') {
      repliesSent++;
      replySentAt.set(index, now());
      desk
        .timeout(10_000)
        .emitWithAck('message:send', {
          conversationId: message.conversationId,
          clientMessageId: `reply${request.tag}${index}`,
          text: `reply ${request.tag} ${index}`,
        })
        .then((ack: Ack) => (ack.ok ? undefined : fail(`reply: ${ack.error}`)))
        .catch(() => fail('reply: ack timeout'));
    }
  };
  for (const desk of desks) {
    desk.on('conversation:assigned', (event: { messages: DeskMessage[] }) => event.messages.forEach((m) => onCitizenMessage(desk, m)));
    desk.on('message:new', (message: DeskMessage) => onCitizenMessage(desk, message));
    await desk.timeout(10_000).emitWithAck('presence:set', { presence: 'available' }).catch(() => fail('presence: ack timeout'));
  }

  const citizens: Socket[] = [];
  for (const result of await inBatches(citizenCount, 100, (i) => connect(`${apiUrl(i)}/webchat`, {}, true))) {
    if (result.status === 'fulfilled') citizens.push(result.value);
    else connectErrors++;
  }
  // Connected before the loop, silent until their first message in it.
  const newCitizens: Socket[] = [];
  for (const result of await inBatches(newCitizenCount, 100, (i) => connect(`${apiUrl(i)}/webchat`, {}, true))) {
    if (result.status === 'fulfilled') newCitizens.push(result.value);
    else connectErrors++;
  }
  citizens.forEach((citizen, i) => {
    // Told their place: the first status with a position, or the gendarme's name when one took it at once.
    citizen.on('status', (status: { state: string; queuePosition?: number }) => {
      const started = openingSentAt.get(i) ?? openedAt.get(i);
      if (started === undefined || told.has(i) || (status.queuePosition === undefined && status.state !== 'assigned')) return;
      told.add(i);
      toldPlace.push(now() - started);
    });
    if (!openingOnly) return;
    // The assistant's topic menu, answered with its first topic; then its confirmation.
    citizen.on('message', (message: { author: string; text: string }) => {
      if (message.author !== 'system') return;
      if (/\n1\. /.test(message.text) && !menuSentAt.has(i)) {
        // A citizen reads the menu before answering; the web chat also allows one message a second after the first.
        const answerAt = Math.max(now(), (openedAt.get(i) ?? now()) + 1_100);
        menuSentAt.set(i, answerAt);
        menuAnswered++;
        setTimeout(() => {
          menuSentAt.set(i, now());
          citizen
            .timeout(10_000)
            .emitWithAck('message:send', { clientMessageId: `t${request.tag}${i}`, text: '1' })
            .then((ack: Ack) => (ack.ok ? menuAcked++ : fail(`menu: ${ack.error}`)))
            .catch(() => fail('menu: ack timeout'))
            .finally(() => menuSettled++);
        }, answerAt - now());
      } else if (menuSentAt.has(i) && !confirmed.has(i) && /«|"|„/.test(message.text)) {
        confirmed.add(i);
        menuToConfirmed.push(now() - menuSentAt.get(i)!);
      }
    });
  });
  for (const citizen of [...citizens, ...newCitizens]) {
    citizen.on('message', (message: { author: string; text: string }) => {
      const match = /^reply (\S+) (\d+)$/.exec(message.text);
      if (message.author !== 'agent' || !match || match[1] !== request.tag) return;
      const started = replySentAt.get(Number(match[2]));
      if (started === undefined) return;
      replySentAt.delete(Number(match[2]));
      repliesDelivered++;
      replyToCitizen.push(now() - started);
    });
  }
  if (citizens.length === 0) throw new Error('no citizen socket could connect');

  // Opening: one conversation per regular citizen, paced, each waited for until it reaches a desk.
  if (openingOnly) markPhase('load-start');
  if (request.openingRate > 0) {
    const openingStarted = now();
    for (let i = 0; i < citizens.length; i++) {
      const due = openingStarted + (i * 1000) / request.openingRate;
      if (due > now()) await new Promise((resolve) => setTimeout(resolve, due - now()));
      openingSentAt.set(i, now());
      openedAt.set(i, now());
      citizens[i]
        .timeout(10_000)
        .emitWithAck('message:send', { clientMessageId: `o${request.tag}${i}`, text: `open ${request.tag} ${i}` })
        .then((ack: Ack) => (ack.ok ? undefined : fail(`open: ${ack.error}`)))
        .catch(() => fail('open: ack timeout'));
    }
    for (const route of ['facebook', 'x'] as const) {
      for (let sender = 0; sender < webhookSenders; sender++) {
        const key = (route === 'facebook' ? 1_000_000 : 2_000_000) + sender;
        openingSentAt.set(key, now());
        postWebhook(route, sender, `open ${request.tag} ${key}`)
          .then((status) => (status === 200 ? undefined : fail(`open ${route}: HTTP ${status}`)))
          .catch(() => fail(`open ${route}: no answer`));
        await new Promise((resolve) => setTimeout(resolve, 1000 / request.openingRate));
      }
    }
    const openingDeadline = now() + 60_000;
    while (openingSentAt.size > 0 && now() < openingDeadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (openingOnly) {
      // Every menu answer acknowledged, and the confirmations of those still waiting (an assigned conversation's
      // answer goes to its gendarme instead) arrived, within the drain budget.
      const menuDeadline = now() + request.drainMs;
      while (menuSettled < menuSentAt.size && now() < menuDeadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // Leave the citizens' rate limit (one message a second after a burst) room for the loop.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  // Open loop: message k leaves at start + k / rate, whether or not earlier ones were answered.
  let next = 0;
  let lagMax = 0;
  if (!openingOnly) markPhase('load-start');
  const started = now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = now() - started;
      while (next < total && (next * 1000) / request.rate <= elapsed) {
        const index = next++;
        lagMax = Math.max(lagMax, elapsed - (index * 1000) / request.rate);
        const newCitizen = isNewConversation(index) ? newCitizens[Math.floor(index / newEvery)] : undefined;
        const citizen = newCitizen ?? citizens[(index - Math.floor(index / newEvery)) % citizens.length];
        sentAt.set(index, now());
        const route = routeOf(index);
        if (route !== 'webchat') {
          // Each sender writes about once a second, like a web chat citizen.
          postWebhook(route, Math.floor(index / 10) % webhookSenders, `bench ${request.tag} ${index}`)
            .then((status) => (status === 200 ? accepted++ : fail(`${route}: HTTP ${status}`)))
            .catch(() => fail(`${route}: no answer`));
          continue;
        }
        citizen
          .timeout(10_000)
          .emitWithAck('message:send', { clientMessageId: `m${request.tag}${index}`, text: `bench ${request.tag} ${index}` })
          .then((ack: Ack) => (ack.ok ? accepted++ : fail(`send: ${ack.error}`)))
          .catch(() => fail('send: ack timeout'));
      }
      if (next >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const sendSeconds = (now() - started) / 1000;

  // Wait for the acknowledgements and the deliveries still on their way, within the drain budget.
  const deadline = now() + request.drainMs;
  while (now() < deadline) {
    const acked = accepted + Object.values(errors).reduce((sum, n) => sum + n, 0);
    if (acked >= total && deliveredAt.size >= accepted && replySentAt.size === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  markPhase('load-end');
  const lastDelivery = Math.max(...deliveredAt.values(), started + 1);
  [...citizens, ...newCitizens, ...desks].forEach((socket) => socket.disconnect());
  return {
    rate: request.rate,
    sent: total,
    accepted,
    delivered: deliveredAt.size,
    duplicates,
    lost: Math.max(0, accepted - deliveredAt.size),
    errors,
    sendSeconds: Number(sendSeconds.toFixed(2)),
    deliveredRate: Math.round(deliveredAt.size / ((lastDelivery - started) / 1000)),
    sockets: { citizens: citizens.length + newCitizens.length, desks: desks.length, connectErrors },
    citizenToDesk: summarise(citizenToDesk),
    newConversationToDesk: summarise(newConversationToDesk),
    byRoute: { webchat: summarise(latencyByRoute.webchat), facebook: summarise(latencyByRoute.facebook), x: summarise(latencyByRoute.x) },
    opening: {
      rate: request.openingRate,
      opened: openingToDesk.length,
      toDesk: summarise(openingToDesk),
      toldPlace: summarise(toldPlace),
      menuAnswered,
      menuAcked,
      menuToConfirmed: summarise(menuToConfirmed),
    },
    repliesSent,
    repliesDelivered,
    replyToCitizen: summarise(replyToCitizen),
    generatorLagMsMax: Math.round(lagMax),
  };
}

if (require.main === module) {
  const request = JSON.parse(process.env.BENCH_STEP ?? '{}') as StepRequest;
  runStep(request, (phase) => process.stdout.write(`BENCH_PHASE ${phase}\n`))
    .then((result) => {
      process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
