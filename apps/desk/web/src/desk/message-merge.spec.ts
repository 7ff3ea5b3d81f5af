import type { DeskConversationView, DeskMessageView } from '../contract';
import { mergeMessages, withArrivedMessage } from './message-merge';

const message = (id: string, createdAt: string, extra: Partial<DeskMessageView> = {}): DeskMessageView => ({
  id,
  conversationId: 'c1',
  direction: 'inbound',
  author: 'citizen',
  authorAgentId: null,
  text: id,
  attachments: [],
  deliveryStatus: 'received',
  deliveryError: null,
  createdAt,
  ...extra,
});

describe('mergeMessages', () => {
  it('keeps one entry per id, in time order, whatever order they arrive in', () => {
    const merged = mergeMessages([message('b', '2026-11-29T10:00:02.000Z')], [message('a', '2026-11-29T10:00:01.000Z'), message('b', '2026-11-29T10:00:02.000Z')]);
    expect(merged.map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('never moves a reply back: a late "sent" or a repeated "queued" after "delivered" leaves it delivered', () => {
    const reply = message('r', '2026-11-29T10:00:00.000Z', { direction: 'outbound', author: 'agent', deliveryStatus: 'delivered' });
    expect(mergeMessages([reply], [{ ...reply, deliveryStatus: 'sent' }])[0].deliveryStatus).toBe('delivered');
    expect(mergeMessages([reply], [{ ...reply, deliveryStatus: 'queued' }])[0].deliveryStatus).toBe('delivered');
    expect(mergeMessages([{ ...reply, deliveryStatus: 'queued' }], [{ ...reply, deliveryStatus: 'sent' }])[0].deliveryStatus).toBe('sent');
  });
});

describe('withArrivedMessage', () => {
  const conversation = {
    id: 'c1',
    lastMessage: message('m2', '2026-11-29T10:00:02.000Z'),
    lastCitizenMessageAt: '2026-11-29T10:00:02.000Z',
  } as DeskConversationView;

  it('moves the preview forward for a newer message', () => {
    const next = withArrivedMessage(conversation, message('m3', '2026-11-29T10:00:03.000Z'));
    expect(next.lastMessage?.id).toBe('m3');
    expect(next.lastCitizenMessageAt).toBe('2026-11-29T10:00:03.000Z');
  });

  it('leaves the preview and the reply window as they are for an older message arriving late', () => {
    const next = withArrivedMessage(conversation, message('m1', '2026-11-29T10:00:01.000Z'));
    expect(next.lastMessage?.id).toBe('m2');
    expect(next.lastCitizenMessageAt).toBe('2026-11-29T10:00:02.000Z');
  });

  it('does not take an agent reply for the citizen writing', () => {
    const next = withArrivedMessage(conversation, message('r', '2026-11-29T10:00:05.000Z', { author: 'agent', direction: 'outbound' }));
    expect(next.lastMessage?.id).toBe('r');
    expect(next.lastCitizenMessageAt).toBe('2026-11-29T10:00:02.000Z');
  });

  it('keeps the citizen’s or gendarme’s words as the preview when the system writes (acknowledgement, queue position)', () => {
    const next = withArrivedMessage(
      conversation,
      message('s', '2026-11-29T10:00:06.000Z', { author: 'system', direction: 'outbound', text: 'Vous êtes en position 1' }),
    );
    expect(next.lastMessage?.id).toBe('m2');
  });
});
