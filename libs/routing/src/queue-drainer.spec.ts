import { AssignmentNotifier } from './assignment-notifier';
import { QueueDrainer } from './queue-drainer';
import { RoutedAssignment, RoutingResult, RoutingService } from './routing.service';

/** A routing service whose drains finish when the test says so, recording what each drain was asked. */
class ControlledRouting {
  readonly drains: { reason: string; reasons: ReadonlyMap<string, string> | undefined; finish: (result: RoutingResult | Error) => void }[] = [];

  drainQueue(reason: string, reasons?: ReadonlyMap<string, string>): Promise<RoutingResult> {
    return new Promise((resolve, reject) => {
      this.drains.push({ reason, reasons, finish: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
    });
  }
}

class RecordingNotifier {
  /** Each notification: the conversations it pushed, with the reason each is shown under. */
  readonly notified: [string, string][][] = [];

  /** Each publication of queue places: the conversations whose citizens it told. */
  readonly told: string[][] = [];

  notify(assignments: RoutedAssignment[]): Promise<void> {
    this.notified.push(assignments.map((a) => [a.conversationId, a.reason]));
    return Promise.resolve();
  }

  publishQueueStatuses(conversationIds: string[]): Promise<number> {
    this.told.push(conversationIds);
    return Promise.resolve(conversationIds.length);
  }
}

const assignment = (conversationId: string, reason = 'new-conversation'): RoutedAssignment => ({
  conversationId,
  agentId: 'agent-1',
  priority: 2,
  overflow: false,
  reason,
});

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('QueueDrainer', () => {
  let routing: ControlledRouting;
  let notifier: RecordingNotifier;
  let drainer: QueueDrainer;

  beforeEach(() => {
    routing = new ControlledRouting();
    notifier = new RecordingNotifier();
    drainer = new QueueDrainer(routing as unknown as RoutingService, notifier as unknown as AssignmentNotifier);
  });

  it('runs one drain at once and serves every request made meanwhile with a single next drain', async () => {
    const first = drainer.serve({ reason: 'new-conversation', conversationId: 'c1' });
    await settled();
    expect(routing.drains).toHaveLength(1);

    const burst = ['c2', 'c3', 'c4'].map((id) => drainer.serve({ reason: 'new-conversation', conversationId: id }));
    await settled();
    expect(routing.drains).toHaveLength(1);

    routing.drains[0].finish({ assignments: [assignment('c1')], decisionMs: 1 });
    await expect(first).resolves.toEqual({ assigned: true, assignedCount: 1 });
    await settled();
    // The three requests made during the first drain share the second one.
    expect(routing.drains).toHaveLength(2);
    expect([...routing.drains[1].reasons!.keys()]).toEqual(['c2', 'c3', 'c4']);

    routing.drains[1].finish({ assignments: [assignment('c2'), assignment('c4')], decisionMs: 1 });
    await expect(Promise.all(burst)).resolves.toEqual([
      { assigned: true, assignedCount: 2 },
      { assigned: false, assignedCount: 2 },
      { assigned: true, assignedCount: 2 },
    ]);
    await settled();
    expect(routing.drains).toHaveLength(2);
  });

  it('never answers a request with a drain that started before it', async () => {
    void drainer.serve({ reason: 'agent-available' });
    await settled();
    const late = drainer.serve({ reason: 'new-conversation', conversationId: 'c9' });
    let answered = false;
    void late.then(() => (answered = true));
    routing.drains[0].finish({ assignments: [], decisionMs: 1 });
    await settled();
    expect(answered).toBe(false);
    expect(routing.drains).toHaveLength(2);
    routing.drains[1].finish({ assignments: [assignment('c9')], decisionMs: 1 });
    await expect(late).resolves.toEqual({ assigned: true, assignedCount: 1 });
  });

  it("names each request's reason to the drain and notifies each assignment once, under its recorded reason", async () => {
    void drainer.serve({ reason: 'agent-available' });
    await settled();
    const reopened = drainer.serve({ reason: 'reopened', conversationId: 'c2' });
    const fresh = drainer.serve({ reason: 'new-conversation', conversationId: 'c3' });
    routing.drains[0].finish({ assignments: [], decisionMs: 1 });
    await settled();
    expect(routing.drains[1].reason).toBe('reopened');
    expect([...routing.drains[1].reasons!]).toEqual([
      ['c2', 'reopened'],
      ['c3', 'new-conversation'],
    ]);
    routing.drains[1].finish({
      assignments: [assignment('c1', 'reopened'), assignment('c2', 'reopened'), assignment('c3')],
      decisionMs: 1,
    });
    await Promise.all([reopened, fresh]);
    expect(notifier.notified).toEqual([
      [
        ['c1', 'reopened'],
        ['c2', 'reopened'],
        ['c3', 'new-conversation'],
      ],
    ]);
  });

  it('fails every request of a failed drain and still serves the next ones', async () => {
    void drainer.serve({ reason: 'agent-available' });
    const first = drainer.serve({ reason: 'new-conversation', conversationId: 'c1' });
    const second = drainer.serve({ reason: 'new-conversation', conversationId: 'c2' });
    routing.drains[0].finish({ assignments: [], decisionMs: 1 });
    await settled();
    routing.drains[1].finish(new Error('database restarting'));
    await expect(first).rejects.toThrow('database restarting');
    await expect(second).rejects.toThrow('database restarting');

    const retry = drainer.serve({ reason: 'new-conversation', conversationId: 'c1' });
    await settled();
    expect(routing.drains).toHaveLength(3);
    routing.drains[2].finish({ assignments: [assignment('c1')], decisionMs: 1 });
    await expect(retry).resolves.toEqual({ assigned: true, assignedCount: 1 });
  });

  it('starts the next drain without waiting for the notifications of the previous one', async () => {
    let releaseNotification: () => void = () => undefined;
    notifier.notify = (assignments) => {
      notifier.notified.push(assignments.map((a) => [a.conversationId, a.reason]));
      return new Promise<void>((resolve) => (releaseNotification = resolve));
    };
    const first = drainer.serve({ reason: 'new-conversation', conversationId: 'c1' });
    const second = drainer.serve({ reason: 'new-conversation', conversationId: 'c2' });
    routing.drains[0].finish({ assignments: [assignment('c1')], decisionMs: 1 });
    await settled();
    expect(routing.drains).toHaveLength(2);
    let firstAnswered = false;
    void first.then(() => (firstAnswered = true));
    await settled();
    // Its caller is answered only once its assignment is on the desk.
    expect(firstAnswered).toBe(false);
    releaseNotification();
    await expect(first).resolves.toEqual({ assigned: true, assignedCount: 1 });
    routing.drains[1].finish({ assignments: [], decisionMs: 1 });
    await expect(second).resolves.toEqual({ assigned: false, assignedCount: 0 });
  });

  it('tells the citizens a drain left waiting their place in one publication, after its assignments', async () => {
    const order: string[] = [];
    notifier.notify = (assignments) => {
      order.push(`notify ${assignments.map((a) => a.conversationId).join(',')}`);
      return Promise.resolve();
    };
    notifier.publishQueueStatuses = (conversationIds) => {
      notifier.told.push(conversationIds);
      order.push(`tell ${conversationIds.join(',')}`);
      return Promise.resolve(conversationIds.length);
    };
    void drainer.serve({ reason: 'agent-available' });
    await settled();
    const burst = ['c1', 'c2', 'c3', 'c2'].map((id) => drainer.serve({ reason: 'new-conversation', conversationId: id }));
    routing.drains[0].finish({ assignments: [], decisionMs: 1 });
    await settled();
    routing.drains[1].finish({ assignments: [assignment('c2')], decisionMs: 1 });
    await Promise.all(burst);
    // The trigger without a conversation tells nobody; the assigned one is not told a place; a repeated one once.
    expect(notifier.told).toEqual([['c1', 'c3']]);
    expect(order).toEqual(['notify c2', 'tell c1,c3']);
  });

  it('fails the requests of a drain whose places could not be told, so that their jobs are retried', async () => {
    notifier.publishQueueStatuses = () => Promise.reject(new Error('connection lost'));
    const first = drainer.serve({ reason: 'new-conversation', conversationId: 'c1' });
    routing.drains[0].finish({ assignments: [], decisionMs: 1 });
    await expect(first).rejects.toThrow('connection lost');
  });
});
