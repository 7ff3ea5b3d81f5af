import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import sharp from 'sharp';
import type { DeskAssignmentEvent, DeskMessageView, MessageAttachmentView } from '@brigade/realtime';
import {
  FakeGraphApi,
  FakeXApi,
  LoopbackS3,
  decompressionBombPng,
  htmlDisguisedAsJpeg,
  jpegWithGpsExif,
  metaWebhookSignature,
  pdfDocument,
  pngImage,
  svgDisguisedAsJpeg,
  truncated,
  xWebhookSignature,
} from '@brigade/testing';
import { RetentionService } from '@brigade/privacy';
import { CitizenClient, EventLog, connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };
interface UploadFile {
  name: string;
  bytes: Buffer;
  type?: string;
}

const MAX_BYTES = 512 * 1024;
const MAX_FILES = 3;
const FB_SECRET = 'facebook-app-secret-used-only-in-tests';
const PAGE = '100200300';
const X_SECRET = 'x-consumer-secret-used-only-in-tests';
const X_ACCOUNT = '7001';

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the web chat and the desk need around one platform: a citizen session, uploads, a gendarme on duty. */
function harness(get: () => TestPlatform) {
  const sockets: { disconnect(): unknown }[] = [];

  async function citizen(): Promise<{ socket: CitizenClient; log: EventLog; token: string }> {
    const { socket, log } = await connectCitizen(get().url);
    sockets.push(socket);
    const session = await log.waitFor<{ token: string }>('session');
    return { socket, log, token: session.token };
  }

  function upload(token: string | null, files: UploadFile[], fields: Record<string, string> = {}) {
    const form = new FormData();
    form.append('clientMessageId', fields.clientMessageId ?? newClientMessageId());
    for (const [name, value] of Object.entries(fields)) if (name !== 'clientMessageId') form.append(name, value);
    for (const file of files) form.append('files', new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
    return fetch(`${get().url}/api/webchat/attachments`, {
      method: 'POST',
      headers: token ? { 'x-webchat-token': token } : {},
      body: form,
    });
  }

  async function gendarme(role: 'agent' | 'supervisor' = 'agent') {
    const agent = await createAgent(get().dataSource, { role, capacity: 4 });
    const token = await login(get().url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(get().url, token);
    sockets.push(desk.socket);
    const ack = (await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    return { agent, token, ...desk };
  }

  async function linkFor(token: string, attachmentId: string) {
    return fetch(`${get().url}/api/attachments/${attachmentId}/link`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  }

  async function count(sql: string, parameters: unknown[] = []): Promise<number> {
    return ((await get().dataSource.query(sql, parameters)) as { n: number }[])[0].n;
  }

  function disconnectAll() {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  }

  return { citizen, upload, gendarme, linkFor, count, disconnectAll };
}

/** The assigned conversation's message carrying files, as the desk received it. */
async function messageWithFiles(log: EventLog, conversationId: string): Promise<DeskMessageView> {
  const fromAssignment = () =>
    log
      .all<DeskAssignmentEvent>('conversation:assigned')
      .filter((event) => event.conversation.id === conversationId)
      .flatMap((event) => event.messages);
  const fromPushes = () => log.all<DeskMessageView>('message:new').filter((message) => message.conversationId === conversationId);
  let found: DeskMessageView | undefined;
  await waitUntil(async () => {
    found = [...fromAssignment(), ...fromPushes()].find((message) => message.attachments.some((attachment) => attachment.attachmentId));
    return !!found;
  }, 'the desk shows the message with its files');
  return found!;
}

describe('Citizen attachments (local storage): web chat, Messenger and X -> checked, stored, opened on the desk', () => {
  let platform: TestPlatform;
  let graph: FakeGraphApi;
  let xApi: FakeXApi;
  let directory: string;
  const h = harness(() => platform);

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'brigade-attachments-e2e-'));
    graph = await FakeGraphApi.start();
    xApi = await FakeXApi.start();
    platform = await startPlatform({
      ATTACHMENTS_DIR: directory,
      ATTACHMENTS_MAX_BYTES: String(MAX_BYTES),
      ATTACHMENTS_MAX_PER_MESSAGE: String(MAX_FILES),
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: FB_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify-token',
      FACEBOOK_PAGES: `${PAGE}:EAAPageToken`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      X_ENABLED: 'true',
      X_CONSUMER_KEY: 'consumer-key',
      X_CONSUMER_SECRET: X_SECRET,
      X_ACCOUNTS: `${X_ACCOUNT}:token-a:secret-a`,
      X_API_BASE_URL: xApi.apiBaseUrl,
    });
  }, 120_000);
  afterAll(async () => {
    h.disconnectAll();
    await platform?.close();
    await graph?.close();
    await xApi?.close();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    graph.reset();
    xApi.reset();
  });
  afterEach(() => h.disconnectAll());

  /** Every object in the storage directory (left by any test of this file: compare with what a test wrote). */
  async function storedFiles(): Promise<string[]> {
    const folders = await readdir(directory).catch(() => [] as string[]);
    const files: string[] = [];
    for (const folder of folders) files.push(...(await readdir(join(directory, folder))));
    return files.sort();
  }

  async function storageKeys(): Promise<string[]> {
    return ((await platform.dataSource.query(`SELECT storage_key FROM attachments`)) as { storage_key: string }[]).map((row) => row.storage_key);
  }

  it('stores a web chat message with a photo and a PDF once, without the photo\'s GPS, and the desk opens both', async () => {
    const desk = await h.gendarme();
    const { token } = await h.citizen();
    const clientMessageId = newClientMessageId();
    const photo = await jpegWithGpsExif('Rue-des-Lilas-Rennes');
    const pdf = pdfDocument('Formulaire de plainte');
    const files = [
      { name: 'IMG_0042.jpg', bytes: photo, type: 'image/jpeg' },
      { name: 'plainte.pdf', bytes: pdf, type: 'application/pdf' },
    ];

    const first = await h.upload(token, files, { clientMessageId, text: 'Voici la photo de ma voiture' });
    expect(first.status).toBe(201);
    const answer = (await first.json()) as { id: string; attachments: MessageAttachmentView[] };
    expect(answer.attachments.map((attachment) => [attachment.type, attachment.contentType, attachment.name])).toEqual([
      ['image', 'image/jpeg', 'IMG_0042.jpg'],
      ['file', 'application/pdf', 'plainte.pdf'],
    ]);
    // The widget retries after a lost answer: same client id, nothing stored twice.
    const retried = await h.upload(token, files, { clientMessageId, text: 'Voici la photo de ma voiture' });
    expect(retried.status).toBe(201);
    expect(((await retried.json()) as { attachments: MessageAttachmentView[] }).attachments.map((a) => a.attachmentId)).toEqual(
      answer.attachments.map((a) => a.attachmentId),
    );

    const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const message = await messageWithFiles(desk.log, assigned.conversation.id);
    expect(message.text).toBe('Voici la photo de ma voiture');
    await waitUntil(
      async () => (await h.count(`SELECT count(*)::int AS n FROM attachments WHERE message_id = $1`, [message.id])) === 2,
      'both files are linked to the stored message',
    );
    expect(await h.count(`SELECT count(*)::int AS n FROM attachments`)).toBe(2);
    expect(await h.count(`SELECT count(*)::int AS n FROM messages WHERE author_type = 'citizen'`)).toBe(1);
    const keys = await storageKeys();
    expect(keys).toHaveLength(2);
    expect(await storedFiles()).toEqual(expect.arrayContaining(keys));
    const [row] = await platform.dataSource.query(
      `SELECT conversation_id, kind, size_bytes, sha256, original_name FROM attachments WHERE content_type = 'image/jpeg'`,
    );
    expect(row).toMatchObject({ conversation_id: assigned.conversation.id, kind: 'image', original_name: 'IMG_0042.jpg' });

    // The photo as the desk gets it: re-encoded, no EXIF, no GPS, the same hash as recorded.
    const imageId = message.attachments.find((attachment) => attachment.type === 'image')!.attachmentId!;
    const imageLink = await h.linkFor(desk.token, imageId);
    expect(imageLink.status).toBe(201);
    const { url } = (await imageLink.json()) as { url: string };
    const image = await fetch(`${platform.url}${url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    expect(bytes.includes(Buffer.from('Rue-des-Lilas-Rennes'))).toBe(false);
    expect(bytes.length).toBe(row.size_bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.sha256);

    // The PDF: byte for byte, only ever as a download, under a policy that forbids it everything.
    const pdfId = message.attachments.find((attachment) => attachment.type === 'file')!.attachmentId!;
    const pdfLink = (await (await h.linkFor(desk.token, pdfId)).json()) as { url: string };
    const document = await fetch(`${platform.url}${pdfLink.url}`);
    expect(document.status).toBe(200);
    expect(document.headers.get('content-disposition')).toMatch(/^attachment; filename="plainte.pdf"/);
    expect(document.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(document.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await document.arrayBuffer()).equals(pdf)).toBe(true);

    // Every link handed out is in the access audit.
    expect(
      await h.count(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'attachment.read' AND actor_id = $1`, [desk.agent.id]),
    ).toBe(2);
  });

  it('hands links only to agents allowed to read the conversation, and a link is refused once tampered with or expired', async () => {
    const desk = await h.gendarme();
    const { token } = await h.citizen();
    expect((await h.upload(token, [{ name: 'photo.png', bytes: await pngImage() }], { text: '' })).status).toBe(201);
    const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const message = await messageWithFiles(desk.log, assigned.conversation.id);
    const attachmentId = message.attachments[0].attachmentId!;

    const outsider = await createAgent(platform.dataSource, { role: 'agent', skills: ['autre-file'] });
    const outsiderToken = await login(platform.url, outsider.login, TEST_PASSWORD);
    expect((await h.linkFor(outsiderToken, attachmentId)).status).toBe(403);
    expect((await fetch(`${platform.url}/api/attachments/${attachmentId}/link`, { method: 'POST' })).status).toBe(401);

    const supervisor = await createAgent(platform.dataSource, { role: 'supervisor' });
    const supervisorToken = await login(platform.url, supervisor.login, TEST_PASSWORD);
    const { url } = (await (await h.linkFor(supervisorToken, attachmentId)).json()) as { url: string };
    expect((await fetch(`${platform.url}${url}`)).status).toBe(200);
    const tampered = url.replace(/signature=([^&]{4})/, 'signature=AAAA');
    expect((await fetch(`${platform.url}${tampered}`)).status).toBe(404);
    const expired = url.replace(/expires=\d+/, `expires=${Date.now() - 1000}`);
    expect((await fetch(`${platform.url}${expired}`)).status).toBe(404);
    expect((await fetch(`${platform.url}/api/attachments/${attachmentId}`)).status).toBe(404);
  });

  it('refuses every bad file with its reason, stores nothing, and stays healthy', async () => {
    const { token } = await h.citizen();
    const filesBefore = await storedFiles();
    const cases: { files: UploadFile[]; status: number; refusal: string }[] = [
      { files: [{ name: 'gros.pdf', bytes: Buffer.concat([pdfDocument(), Buffer.alloc(MAX_BYTES)]) }], status: 400, refusal: 'too-large' },
      { files: [{ name: 'photo.jpg', bytes: htmlDisguisedAsJpeg(), type: 'image/jpeg' }], status: 400, refusal: 'unsupported-type' },
      { files: [{ name: 'photo.jpg', bytes: svgDisguisedAsJpeg(), type: 'image/jpeg' }], status: 400, refusal: 'unsupported-type' },
      { files: [{ name: 'bombe.png', bytes: decompressionBombPng(), type: 'image/png' }], status: 400, refusal: 'image-too-large' },
      { files: [{ name: 'coupee.jpg', bytes: truncated(await jpegWithGpsExif()), type: 'image/jpeg' }], status: 400, refusal: 'damaged' },
      { files: [{ name: 'coupe.pdf', bytes: truncated(pdfDocument()) }], status: 400, refusal: 'damaged' },
      {
        files: await Promise.all([1, 2, 3, 4].map(async (n) => ({ name: `p${n}.png`, bytes: await pngImage() }))),
        status: 400,
        refusal: 'too-many',
      },
      // One bad file refuses the whole message: the good photo beside it is not kept either.
      {
        files: [
          { name: 'ok.png', bytes: await pngImage() },
          { name: 'page.jpg', bytes: htmlDisguisedAsJpeg() },
        ],
        status: 400,
        refusal: 'unsupported-type',
      },
    ];
    for (const { files, status, refusal } of cases) {
      const response = await h.upload(token, files, { text: 'regardez' });
      const body = (await response.json()) as { refusal?: string; message?: string };
      expect({ name: files[0].name, status: response.status, refusal: body.refusal }).toEqual({ name: files[0].name, status, refusal });
      expect(body.message).toEqual(expect.any(String));
    }
    expect(await h.count(`SELECT count(*)::int AS n FROM attachments`)).toBe(0);
    expect(await h.count(`SELECT count(*)::int AS n FROM inbox_entries`)).toBe(0);
    expect(await storedFiles()).toEqual(filesBefore);
    expect((await h.upload(null, [{ name: 'ok.png', bytes: await pngImage() }])).status).toBe(401);
    expect((await fetch(`${platform.url}/health`)).status).toBe(200);
  });

  it('refuses an upload whose connection ends mid-file, stores nothing, and serves the next one', async () => {
    const { token } = await h.citizen();
    const filesBefore = await storedFiles();
    const boundary = 'brigade-truncated-upload';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="clientMessageId"\r\n\r\n${newClientMessageId()}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    const partial = Buffer.concat([head, (await pngImage(300, 300)).subarray(0, 200)]);
    const status = await new Promise<number | 'reset'>((resolve) => {
      const url = new URL(`${platform.url}/api/webchat/attachments`);
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-webchat-token': token },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', () => resolve('reset'));
      // The body ends without its closing boundary: what a dropped mobile connection leaves.
      request.end(partial);
    });
    expect(status).toBe(400);
    expect(await h.count(`SELECT count(*)::int AS n FROM attachments`)).toBe(0);
    expect(await storedFiles()).toEqual(filesBefore);
    expect((await h.upload(token, [{ name: 'ok.png', bytes: await pngImage() }])).status).toBe(201);
  });

  it('downloads a Messenger photo before its link expires, and keeps the link (saying so) when the download fails', async () => {
    const desk = await h.gendarme();
    const photoUrl = graph.hostFile('/cdn/photo-123.jpg', await jpegWithGpsExif('Chez-moi'), 'image/jpeg');
    const missingUrl = `${graph.baseUrl}/cdn/expired-456.jpg`;
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: Date.now(),
          messaging: [
            {
              sender: { id: 'psid-photo' },
              recipient: { id: PAGE },
              timestamp: Date.now(),
              message: {
                mid: 'mid.photo',
                attachments: [
                  { type: 'image', payload: { url: photoUrl } },
                  { type: 'image', payload: { url: missingUrl } },
                ],
              },
            },
          ],
        },
      ],
    });
    const response = await fetch(`${platform.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(body, FB_SECRET) },
      body,
    });
    expect(response.status).toBe(200);
    const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned', () => true, 30_000);
    const message = await messageWithFiles(desk.log, assigned.conversation.id);
    const [stored, kept] = message.attachments;
    expect(stored).toMatchObject({ type: 'image', url: '', contentType: 'image/jpeg' });
    expect(kept).toMatchObject({ type: 'image', url: missingUrl, unavailable: expect.any(String) });
    expect(await h.count(`SELECT count(*)::int AS n FROM attachments WHERE channel = 'facebook' AND message_id = $1`, [message.id])).toBe(1);
    const { url } = (await (await h.linkFor(desk.token, stored.attachmentId!)).json()) as { url: string };
    const bytes = Buffer.from(await (await fetch(`${platform.url}${url}`)).arrayBuffer());
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
  });

  it('downloads an X direct message photo the same way', async () => {
    const desk = await h.gendarme();
    const photoUrl = xApi.hostFile('/dm/1/photo.png', await pngImage(), 'image/png');
    const body = JSON.stringify({
      for_user_id: X_ACCOUNT,
      direct_message_events: [
        {
          type: 'message_create',
          id: 'dm-photo-1',
          created_timestamp: String(Date.now()),
          message_create: {
            target: { recipient_id: X_ACCOUNT },
            sender_id: '900',
            message_data: { text: 'Voici', entities: {}, attachment: { type: 'media', media: { type: 'photo', media_url_https: photoUrl } } },
          },
        },
      ],
      users: { '900': { id: '900', name: 'Citoyen', screen_name: 'citoyen' } },
    });
    const response = await fetch(`${platform.url}/webhooks/twitter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xWebhookSignature(body, X_SECRET) },
      body,
    });
    expect(response.status).toBe(200);
    const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned', () => true, 30_000);
    const message = await messageWithFiles(desk.log, assigned.conversation.id);
    expect(message.attachments).toEqual([expect.objectContaining({ type: 'image', contentType: 'image/png', url: '' })]);
    expect(await h.count(`SELECT count(*)::int AS n FROM attachments WHERE channel = 'x'`)).toBe(1);
  });

  it('exports the files with the contact, and erasure and retention delete rows and files', async () => {
    const desk = await h.gendarme();
    const { token } = await h.citizen();
    expect((await h.upload(token, [{ name: 'preuve.pdf', bytes: pdfDocument('Preuve') }], { text: 'le document' })).status).toBe(201);
    const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await messageWithFiles(desk.log, assigned.conversation.id);
    await waitUntil(async () => (await h.count(`SELECT count(*)::int AS n FROM attachments WHERE conversation_id IS NOT NULL`)) === 1, 'linked');
    const admin = await createAgent(platform.dataSource, { role: 'admin' });
    const adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
    const contactId = assigned.conversation.contact.id;

    const exported = await fetch(`${platform.url}/api/admin/contacts/${contactId}/export`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as { conversations: { files: { name: string; contentBase64: string }[] }[] };
    expect(data.conversations[0].files).toHaveLength(1);
    expect(data.conversations[0].files[0].name).toBe('preuve.pdf');
    expect(Buffer.from(data.conversations[0].files[0].contentBase64, 'base64').equals(pdfDocument('Preuve'))).toBe(true);

    // Retention: the conversation, closed long ago, is purged with its files.
    await platform.dataSource.query(
      `UPDATE conversations SET status = 'closed', closed_at = now() - interval '10 years', assignee_id = NULL WHERE id = $1`,
      [assigned.conversation.id],
    );
    const keys = await storageKeys();
    expect(await storedFiles()).toEqual(expect.arrayContaining(keys));
    const report = await platform.app.get(RetentionService).purgeExpired();
    expect(report.conversations).toEqual([assigned.conversation.id]);
    expect(report.attachments).toBe(1);
    expect(await h.count(`SELECT count(*)::int AS n FROM attachments`)).toBe(0);
    expect((await storedFiles()).filter((file) => keys.includes(file))).toEqual([]);
  });

  it('erasure on request deletes the contact\'s files', async () => {
    const desk = await h.gendarme();
    const { token } = await h.citizen();
    expect((await h.upload(token, [{ name: 'photo.png', bytes: await pngImage() }], { text: 'photo' })).status).toBe(201);
    const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await messageWithFiles(desk.log, assigned.conversation.id);
    await waitUntil(async () => (await h.count(`SELECT count(*)::int AS n FROM attachments WHERE conversation_id IS NOT NULL`)) === 1, 'linked');
    await platform.dataSource.query(`UPDATE conversations SET status = 'closed', closed_at = now(), assignee_id = NULL WHERE id = $1`, [
      assigned.conversation.id,
    ]);
    const keys = await storageKeys();
    expect(await storedFiles()).toEqual(expect.arrayContaining(keys));
    const admin = await createAgent(platform.dataSource, { role: 'admin' });
    const adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
    const erased = await fetch(`${platform.url}/api/admin/contacts/${assigned.conversation.contact.id}/erase`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'demande du citoyen' }),
    });
    expect(erased.status).toBeLessThan(300);
    expect(await h.count(`SELECT count(*)::int AS n FROM attachments`)).toBe(0);
    expect((await storedFiles()).filter((file) => keys.includes(file))).toEqual([]);
  });
});

describe('Citizen attachments in an S3-compatible bucket', () => {
  let platform: TestPlatform;
  let s3: LoopbackS3;
  const h = harness(() => platform);

  beforeAll(async () => {
    s3 = await LoopbackS3.start();
    platform = await startPlatform({ ...s3.environment() });
  }, 120_000);
  afterAll(async () => {
    h.disconnectAll();
    await platform?.close();
    await s3?.close();
  });
  beforeEach(() => resetDatabase(platform.dataSource));

  it('keeps the web chat\'s files in the bucket, opens them from it, and erases them from it', async () => {
    const desk = await h.gendarme();
    const { token } = await h.citizen();
    const response = await h.upload(token, [{ name: 'photo.jpg', bytes: await jpegWithGpsExif() }], { text: 'photo' });
    expect(response.status).toBe(201);
    const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const message = await messageWithFiles(desk.log, assigned.conversation.id);
    const [{ storage_key: key }] = await platform.dataSource.query(`SELECT storage_key FROM attachments`);
    expect(await s3.objectKeys()).toEqual([key]);
    const { url } = (await (await h.linkFor(desk.token, message.attachments[0].attachmentId!)).json()) as { url: string };
    const image = await fetch(`${platform.url}${url}`);
    expect(image.status).toBe(200);
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).format).toBe('jpeg');

    await platform.dataSource.query(`UPDATE conversations SET status = 'closed', closed_at = now() - interval '10 years', assignee_id = NULL`);
    expect((await platform.app.get(RetentionService).purgeExpired()).attachments).toBe(1);
    expect(await s3.objectKeys()).toEqual([]);
  });
});
