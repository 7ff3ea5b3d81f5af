import type { NormalisedInboundMessage } from '@brigade/channels';
import { Conversation, Message } from '@brigade/conversations';
import { IngestMessageUseCase, IntakeService } from '@brigade/intake';
import { resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

/**
 * Ingestion straight against PostgreSQL: the one-statement paths (a message in an open conversation, the first
 * message of a new citizen) must leave exactly what the transactional path leaves, and hand back the same entities.
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

  it('stores the first message of a new citizen in one statement: contact, identity, conversation, message, acknowledgement', async () => {
    const entry = await accept('psid-4', 'Première prise de contact');
    const first = await ingest.execute(entry);
    expect(first).toMatchObject({ stored: true, conversationOpened: true, conversationReopened: false, citizenExternalId: 'psid-4' });
    expect(first!.surgeEnabled).toBe(false);
    const conversation = await platform.dataSource.getRepository(Conversation).findOneByOrFail({ id: first!.conversation.id });
    expect(first!.conversation).toEqual(conversation);
    expect(conversation).toMatchObject({ status: 'waiting', channel: 'facebook' });
    expect(conversation.waitingSince).toEqual(first!.message.createdAt);
    expect(first!.message).toEqual(await platform.dataSource.getRepository(Message).findOneByOrFail({ id: first!.message.id }));
    expect(first!.acknowledgement).toEqual(
      await platform.dataSource.getRepository(Message).findOneByOrFail({ id: first!.acknowledgement!.id }),
    );
    expect(first!.acknowledgement).toMatchObject({
      conversationId: conversation.id,
      direction: 'outbound',
      authorType: 'system',
      clientMessageId: `ack-${entry}`,
      // Messenger acknowledgements go through the outbound queue.
      deliveryStatus: 'queued',
    });
    expect(first!.acknowledgement!.createdAt.getTime()).toBeGreaterThan(first!.message.createdAt.getTime());
    const [identity]: { contact_id: string; display_name: string; pseudonym: string; contact_name: string }[] =
      await platform.dataSource.query(
        `SELECT i.contact_id, i.display_name, c.pseudonym, c.display_name AS contact_name
           FROM channel_identities i JOIN contacts c ON c.id = i.contact_id
          WHERE i.channel = 'facebook' AND i.channel_account = 'page-1' AND i.external_id = 'psid-4'`,
      );
    expect(identity).toMatchObject({ contact_id: conversation.contactId, display_name: 'Camille', contact_name: 'Camille' });
    expect(identity.pseudonym).toMatch(/\S/);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries WHERE processed_at IS NULL`)).toBe(0);

    // Redelivered: nothing written twice.
    const again = await ingest.execute(entry);
    expect(again).toMatchObject({ stored: false, acknowledgement: null });
    expect(await count(`SELECT count(*)::int AS n FROM messages`)).toBe(2);
  });

  it('creates one contact, identity and conversation when a new citizen first messages arrive at once', async () => {
    const entries = await Promise.all(Array.from({ length: 6 }, (_, i) => accept('psid-5', `Bonjour ${i}`)));
    const outcomes = await Promise.all(entries.map((entry) => ingest.execute(entry)));
    expect(outcomes.filter((outcome) => outcome?.stored)).toHaveLength(6);
    expect(outcomes.filter((outcome) => outcome?.conversationOpened)).toHaveLength(1);
    expect(await count(`SELECT count(*)::int AS n FROM contacts`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM channel_identities`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM conversations`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`)).toBe(6);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE author_type = 'system'`)).toBe(1);
  });
});
