import type { DataSource } from 'typeorm';
import type { JobProducer } from '@brigade/queue';
import type { FacebookAdapter } from './facebook/facebook.adapter';
import { SenderActionsService } from './sender-actions.service';

describe('SenderActionsService', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const unused = {} as DataSource;

  it('drops a typing notice that waited more than a few seconds, and a seen notice after a minute, without any call', async () => {
    const senderAction = jest.fn();
    const service = new SenderActionsService(unused, {} as JobProducer, { senderAction } as unknown as FacebookAdapter);
    const at = (ageMs: number) => now.getTime() - ageMs;
    await expect(service.deliver({ conversationId: 'c', action: 'typing_on', requestedAt: at(9_000) }, now)).resolves.toBe('stale');
    await expect(service.deliver({ conversationId: 'c', action: 'typing_off', requestedAt: at(9_000) }, now)).resolves.toBe('stale');
    await expect(service.deliver({ conversationId: 'c', action: 'mark_seen', requestedAt: at(61_000) }, now)).resolves.toBe('stale');
    expect(senderAction).not.toHaveBeenCalled();
  });

  it('throttles typing_on per conversation through a queue deduplication of 5 s, and never typing_off or mark_seen', async () => {
    const add = jest.fn().mockResolvedValue(undefined);
    const service = new SenderActionsService(unused, { add } as unknown as JobProducer, {} as FacebookAdapter);
    await service.enqueue({ conversationId: 'c1', action: 'typing_on', requestedAt: 1 });
    await service.enqueue({ conversationId: 'c1', action: 'typing_off', requestedAt: 2 });
    await service.enqueue({ conversationId: 'c1', action: 'mark_seen', requestedAt: 3 });
    expect(add.mock.calls.map((call) => call[2])).toEqual([
      { deduplication: { id: 'typing-on:c1', ttl: 5_000 } },
      {},
      {},
    ]);
  });
});
