import type { NormalisedInboundMessage } from '@brigade/channels';
import { Conversation, Message } from '@brigade/conversations';
import { IngestMessageUseCase, IntakeService } from '@brigade/intake';
import { resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

/**
 * Ingestion straight against PostgreSQL: the one-statement path for a message in an open conversation must leave
 * exactly what the transactional path leaves, and hand back the same entities.
 */
describe('ingestion of inbox entries', () => {
  let platform: TestPlatform;
  let intake: IntakeService;
  let ingest: IngestMessageUseCase;
  let sequence = 0;

  // The API role: nothing consumes the inbound queue, the test ingests by hand.
  beforeAll(async () => {
    platform = await startPlatform({}, 'api');
    intake = platform.app.get(IntakeService);
    ingest = platform.app.get(IngestMessageUseCase);
  });
  beforeEach(() => resetDatabase(platform.dataSource));
  afterAll(() => platform.close());

  async function accept(externalId: string, text: string): Promise<string> {
    const message: NormalisedInboundMessage = {
      channel: 'facebook',
      channelAccount: 'page-1',
      channelMessageId: `mid.${externalId}.${++sequence}`,
      sender: { externalId, displayName: 'Camille' },
      text,
      attachments: sequence % 2 === 0 ? [{ type: 'image', url: 'https://cdn.example/photo.jpg' }] : [],
      sentAt: new Date().toISOString(),
    };
    const receipt = await intake.accept(message);
    expect(receipt.duplicate).toBe(false);
    return receipt.inboxEntryId!;
  }

  const count = async (sql: string) => ((await platform.dataSource.query(sql)) as { n: number }[])[0].n;

  it('stores a message of an open conversation in one statement, with the same rows and entities as a transaction', async () => {
    const first = await ingest.execute(await accept('psid-1', 'Bonjour'));
    expect(first).toMatchObject({ stored: true, conversationOpened: true, conversationReopened: false });
    // A first-time citizen's conversation, written with RETURNING, is the row as stored.
    expect(first!.conversation).toEqual(
      await platform.dataSource.getRepository(Conversation).findOneByOrFail({ id: first!.conversation.id }),
    );

    const secondEntry = await accept('psid-1', 'On m’a volé mon vélo');
    const second = await ingest.execute(secondEntry);
    expect(second).toMatchObject({ stored: true, conversationOpened: false, conversationReopened: false, acknowledgement: null });
    // The entities handed back are exactly what the database now holds.
    const storedConversation = await platform.dataSource.getRepository(Conversation).findOneByOrFail({ id: first!.conversation.id });
    const storedMessage = await platform.dataSource.getRepository(Message).findOneByOrFail({ id: second!.message.id });
    expect(second!.conversation).toEqual(storedConversation);
    expect(second!.message).toEqual(storedMessage);
    expect(second!.message).toMatchObject({
      conversationId: first!.conversation.id,
      text: 'On m’a volé mon vélo',
      attachments: [{ type: 'image', url: 'https://cdn.example/photo.jpg' }],
      direction: 'inbound',
      authorType: 'citizen',
      deliveryStatus: 'received',
    });
    expect(storedConversation.lastCitizenMessageAt).toEqual(second!.message.createdAt);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries WHERE processed_at IS NULL`)).toBe(0);

    // A redelivered job changes nothing and says so.
    const again = await ingest.execute(secondEntry);
    expect(again).toMatchObject({ stored: false, conversationOpened: false });
    expect(again!.message.id).toBe(second!.message.id);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`)).toBe(2);
  });

  it('leaves a closed conversation to the transactional path, which reopens it', async () => {
    const first = await ingest.execute(await accept('psid-2', 'Bonjour'));
    await platform.dataSource.query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE id = $1`, [
      first!.conversation.id,
    ]);
    const later = await ingest.execute(await accept('psid-2', 'Encore une question'));
    expect(later).toMatchObject({ stored: true, conversationOpened: true, conversationReopened: true });
    expect(later!.conversation).toMatchObject({ id: first!.conversation.id, status: 'waiting' });
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`)).toBe(2);
  });

  it('stores concurrent messages of one citizen once each, in one conversation', async () => {
    await ingest.execute(await accept('psid-3', 'Bonjour'));
    const entries = await Promise.all(Array.from({ length: 8 }, (_, i) => accept('psid-3', `Message ${i}`)));
    const outcomes = await Promise.all([...entries, ...entries].map((entry) => ingest.execute(entry)));
    expect(outcomes.filter((outcome) => outcome?.stored)).toHaveLength(8);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`)).toBe(9);
    expect(await count(`SELECT count(DISTINCT conversation_id)::int AS n FROM messages`)).toBe(1);
  });
});
