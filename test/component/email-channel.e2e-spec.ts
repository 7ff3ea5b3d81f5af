import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createTransport } from 'nodemailer';
import type { DeskAssignmentEvent, DeskMessageView } from '@brigade/realtime';
import { QueueStatusService } from '@brigade/routing';
import { LoopbackSmtpServer, ReceivedMail } from '@brigade/testing';
import { DeskClient, EventLog, connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };
type StatusEvent = { messageId: string; conversationId: string; status: string; error: string | null };

const SENDER_DOMAIN = 'brigade.test';
const REPLY_DOMAIN = 'reponses.brigade.test';
const MAX_INBOUND_BYTES = 64 * 1024;
const CITIZEN = 'camille.martin@exemple.fr';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('contact form / e-mail channel: form -> desk -> answer by mail -> reply by mail back into the conversation', () => {
  let platform: TestPlatform;
  let outbox: LoopbackSmtpServer;
  let inboundPort: number;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    outbox = await LoopbackSmtpServer.start();
    inboundPort = await freePort();
    platform = await startPlatform({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(outbox.port),
      MAIL_FROM: `Brigade numérique <ne-pas-repondre@${SENDER_DOMAIN}>`,
      INBOUND_SMTP_PORT: String(inboundPort),
      INBOUND_SMTP_HOST: '127.0.0.1',
      INBOUND_MAIL_DOMAIN: REPLY_DOMAIN,
      INBOUND_MAIL_MAX_BYTES: String(MAX_INBOUND_BYTES),
      PUBLIC_BASE_URL: 'https://chat.brigade.test',
      CONTACT_FORM_PER_MINUTE: '200',
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200',
    });
  });
  afterAll(async () => {
    await platform?.close();
    await outbox?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    outbox.reset();
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  async function availableAgent(): Promise<{ token: string; socket: DeskClient; log: EventLog }> {
    const agent = await createAgent(platform.dataSource, { skills: ['general', 'offence', 'violence'] });
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    const ack = (await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    return { token, ...desk };
  }

  function leaveMessage(body: Record<string, unknown>) {
    return fetch(`${platform.url}/api/contact/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  function reply(socket: DeskClient, conversationId: string, text: string) {
    return socket.emitWithAck('message:send', { conversationId, clientMessageId: newClientMessageId(), text }) as Promise<Ack<DeskMessageView>>;
  }

  /** Hands a mail to the platform's own SMTP listener, as the site's MX would; resolves with the SMTP answer. */
  async function deliverInbound(mail: { from: string; to: string; raw?: string; subject?: string; text?: string; html?: string; headers?: Record<string, string> }) {
    const transport = createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail(
        mail.raw !== undefined
          ? { envelope: { from: mail.from, to: mail.to }, raw: mail.raw }
          : { from: mail.from, to: mail.to, subject: mail.subject ?? 'Re: Réponse', text: mail.text, html: mail.html, headers: mail.headers },
      );
      return { code: 250, response: info.response };
    } catch (error) {
      return { code: (error as { responseCode?: number }).responseCode ?? 0, response: (error as Error).message };
    } finally {
      transport.close();
    }
  }

  /** A message through the form, assigned to an available gendarme; its acknowledgement mail has gone out. */
  async function conversationFromForm(address = CITIZEN) {
    const gendarme = await availableAgent();
    const response = await leaveMessage({
      email: address,
      topic: 'offence',
      message: 'Bonjour, on m’a volé mon vélo devant la gare hier soir.',
      language: 'fr',
      clientId: newClientMessageId(),
    });
    expect(response.status).toBe(202);
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const [acknowledgement] = await outbox.waitFor((mail) => mail.envelopeTo.includes(address));
    return { gendarme, conversationId: assigned.conversation.id, assigned, acknowledgement };
  }

  async function answerByMail(gendarme: { socket: DeskClient; log: EventLog }, conversationId: string, text: string, address = CITIZEN) {
    const sent = await reply(gendarme.socket, conversationId, text);
    expect(sent.ok).toBe(true);
    const messageId = sent.ok ? sent.data.id : '';
    await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === messageId && event.status === 'sent');
    const [mail] = await outbox.waitFor((received) => received.envelopeTo.includes(address) && (received.parsed.text ?? '').includes(text));
    return { messageId, mail };
  }

  const replyAddressOf = (mail: ReceivedMail): string => mail.parsed.replyTo!.value[0].address!;

  async function count(sql: string, parameters: unknown[] = []): Promise<number> {
    return ((await platform.dataSource.query(sql, parameters)) as { n: number }[])[0].n;
  }

  it('takes a message through the form into a low-priority e-mail conversation, answers it by mail and threads the reply back', async () => {
    const clientId = newClientMessageId();
    const gendarme = await availableAgent();
    const form = (await (await fetch(`${platform.url}/api/contact/form`)).json()) as Json;
    expect(form.gendarmesOnDuty).toBe(true);
    expect(form.topics.map((topic: Json) => topic.key)).toEqual(['general', 'offence', 'violence', 'procedure', 'recruitment']);
    expect(form.topics[1].label.de).toBeTruthy();

    const body = { email: ' Camille.Martin@Exemple.fr ', topic: 'offence', message: 'On m’a volé mon vélo devant la gare.', language: 'fr', clientId };
    expect((await leaveMessage(body)).status).toBe(202);
    // The same submission again (a double click, a retry after a lost answer): one message.
    expect((await leaveMessage(body)).status).toBe(202);

    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(assigned.messages.map((message) => message.text)).toContain('On m’a volé mon vélo devant la gare.');
    const [conversation] = await platform.dataSource.query(
      `SELECT c.channel, c.queue, c.priority, c.triage_state, i.external_id FROM conversations c
         JOIN channel_identities i ON i.id = c.identity_id WHERE c.id = $1`,
      [assigned.conversation.id],
    );
    expect(conversation).toMatchObject({ channel: 'email', queue: 'offence', priority: 3, external_id: CITIZEN });
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE author_type = 'citizen'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries`)).toBe(1);

    // The acknowledgement goes by mail (no topic menu: the citizen chose the topic in the form).
    const [acknowledgement] = await outbox.waitFor((mail) => mail.envelopeTo.includes(CITIZEN));
    expect(acknowledgement.parsed.text).toContain('votre message a bien été reçu');
    // A topic menu would show numbered lines ("1. Signaler une infraction"); the continue link's signed token has dots
    // and digits of its own, so only a line that starts with a number counts.
    expect(outbox.received.some((mail) => /^\s*1\.\s/m.test(mail.parsed.text ?? ''))).toBe(false);

    const { messageId, mail } = await answerByMail(gendarme, assigned.conversation.id, 'Bonjour,\navez-vous déposé plainte ? <b>non</b>');
    expect(mail.parsed.from?.value[0]).toEqual({ address: `ne-pas-repondre@${SENDER_DOMAIN}`, name: 'Brigade numérique' });
    expect(mail.parsed.subject).toBe('Réponse à votre message – Brigade numérique');
    expect(mail.parsed.messageId).toBe(`<${messageId}@${SENDER_DOMAIN}>`);
    expect(mail.parsed.inReplyTo).toBe(acknowledgement.parsed.messageId);
    expect(mail.parsed.text).toContain('avez-vous déposé plainte ? <b>non</b>');
    // HTML part: the gendarme's text escaped, never markup.
    expect(mail.parsed.html).toContain('avez-vous déposé plainte ? &lt;b&gt;non&lt;/b&gt;');
    expect(mail.parsed.html).not.toContain('<b>non</b>');
    const replyAddress = replyAddressOf(mail);
    expect(replyAddress).toMatch(new RegExp(`^reply\\+[0-9a-f]{32}-[0-9a-f]{16}@${REPLY_DOMAIN.replace(/\./g, '\\.')}$`));
    // Bounces come back to the listener: the envelope sender is the reply address too.
    expect(mail.envelopeFrom).toBe(replyAddress);
    const link = /https:\/\/chat\.brigade\.test\/contact\/\?suite=(\S+)/.exec(mail.parsed.text ?? '');
    expect(link).not.toBeNull();
    expect(mail.parsed.html).toContain(link![0].replace(/&/g, '&amp;'));
    const [stored] = await platform.dataSource.query(`SELECT delivery_status, channel_message_id FROM messages WHERE id = $1`, [messageId]);
    expect(stored).toEqual({ delivery_status: 'sent', channel_message_id: `<${messageId}@${SENDER_DOMAIN}>` });

    // The citizen answers from their mail client: the quoted history is cut off, the gendarme sees the rest at once.
    const answered = await deliverInbound({
      from: `Camille Martin <${CITIZEN}>`,
      to: replyAddress,
      text: `Non, pas encore. C'était vers 22 h.\n\nLe lun. 7 déc. 2026 à 10:00, Brigade numérique a écrit :\n> ${mail.parsed.text?.split('\n')[0]}\n> avez-vous déposé plainte ?`,
      headers: { 'In-Reply-To': mail.parsed.messageId!, References: mail.parsed.messageId! },
    });
    expect(answered.code).toBe(250);
    const pushed = await gendarme.log.waitFor<DeskMessageView>('message:new', (message) => message.text.startsWith('Non, pas encore'));
    expect(pushed.text).toBe("Non, pas encore. C'était vers 22 h.");
    expect(pushed.conversationId).toBe(assigned.conversation.id);

    // The next answer names the citizen's mail in In-Reply-To and the whole thread in References.
    const [citizenMail] = await platform.dataSource.query(`SELECT channel_message_id FROM messages WHERE id = $1`, [pushed.id]);
    const second = await answerByMail(gendarme, assigned.conversation.id, 'Merci. Venez déposer plainte à la brigade.');
    expect(second.mail.parsed.inReplyTo).toBe(citizenMail.channel_message_id);
    expect(second.mail.parsed.references).toEqual([acknowledgement.parsed.messageId, mail.parsed.messageId, citizenMail.channel_message_id]);

    // The signed link continues in the web chat, in a new conversation of the same contact (nothing of the mails shown).
    const continued = await fetch(`${platform.url}/api/contact/continue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: decodeURIComponent(link![1]) }),
    });
    expect(continued.status).toBe(200);
    const { token } = (await continued.json()) as { token: string };
    const citizen = await connectCitizen(platform.url, token);
    sockets.push(citizen.socket);
    const sentByChat = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Je continue ici.' })) as Ack<unknown>;
    expect(sentByChat.ok).toBe(true);
    const contacts = await waitUntil(
      () => platform.dataSource.query(`SELECT channel, contact_id FROM conversations ORDER BY created_at`) as Promise<Json[]>,
      (rows) => rows.length === 2,
    );
    expect(contacts.map((row: Json) => row.channel)).toEqual(['email', 'webchat']);
    expect(contacts[1].contact_id).toBe(contacts[0].contact_id);
    const bad = await fetch(`${platform.url}/api/contact/continue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: `${decodeURIComponent(link![1])}x` }),
    });
    expect(bad.status).toBe(404);
  });

  it('refuses an invalid form field by field, in French, and stores nothing', async () => {
    const response = await leaveMessage({ email: 'pas-une-adresse', topic: 'inconnu', message: '   ', language: 'pt', clientId: 'x' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Json;
    expect(body.fields.map((field: Json) => field.field)).toEqual(['email', 'topic', 'message', 'language', 'clientId']);
    expect(body.messageFr).toContain('Adresse électronique invalide');
    expect(body.fields[1].message).toBe('Choisissez le sujet de votre message.');
    const tooLong = await leaveMessage({ email: CITIZEN, topic: 'general', message: 'a'.repeat(5001), language: 'fr', clientId: newClientMessageId() });
    expect(((await tooLong.json()) as Json).fields).toEqual([{ field: 'message', message: 'Votre message est trop long : 5000 caractères au maximum.' }]);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries`)).toBe(0);
  });

  it('refuses a reply from another address, whether it forges In-Reply-To or uses the reply address, and attaches nothing', async () => {
    const { gendarme, conversationId } = await conversationFromForm();
    const { mail } = await answerByMail(gendarme, conversationId, 'Pouvez-vous préciser l’adresse ?');
    const before = await count(`SELECT count(*)::int AS n FROM messages`);

    const forged = await deliverInbound({
      from: 'intrus@malveillant.example',
      to: `contact@${REPLY_DOMAIN}`,
      text: 'Donnez-moi les détails de cette affaire',
      headers: { 'In-Reply-To': mail.parsed.messageId!, References: mail.parsed.messageId! },
    });
    expect(forged.code).toBe(550);
    expect(forged.response).toContain('Message refusé');
    expect(forged.response).not.toContain(conversationId);
    const stolenToken = await deliverInbound({ from: 'intrus@malveillant.example', to: replyAddressOf(mail), text: 'Bonjour' });
    expect(stolenToken.code).toBe(550);
    const guessedToken = await deliverInbound({ from: CITIZEN, to: `reply+${'0'.repeat(32)}-${'0'.repeat(16)}@${REPLY_DOMAIN}`, text: 'Bonjour' });
    expect(guessedToken.code).toBe(550);
    const noThread = await deliverInbound({ from: CITIZEN, to: `contact@${REPLY_DOMAIN}`, text: 'Un nouveau message' });
    expect(noThread.code).toBe(550);
    expect(noThread.response).toContain('formulaire de contact');
    const otherDomain = await deliverInbound({ from: CITIZEN, to: 'quelquun@ailleurs.example', text: 'Bonjour' });
    expect(otherDomain.code).toBe(550);

    expect(await count(`SELECT count(*)::int AS n FROM messages`)).toBe(before);
    expect(gendarme.log.all<DeskMessageView>('message:new').filter((message) => message.author === 'citizen')).toHaveLength(0);
  });

  it('refuses an oversized or malformed mail with a clear SMTP error and stores nothing', async () => {
    const { gendarme, conversationId } = await conversationFromForm();
    const { mail } = await answerByMail(gendarme, conversationId, 'Avez-vous une photo ?');
    const before = await count(`SELECT count(*)::int AS n FROM inbox_entries`);

    const huge = await deliverInbound({ from: CITIZEN, to: replyAddressOf(mail), text: `Voici.\n${'x'.repeat(MAX_INBOUND_BYTES + 1000)}` });
    expect(huge.code).toBe(552);
    expect(huge.response).toMatch(/trop volumineux|size/i);

    const noFrom = await deliverInbound({ from: CITIZEN, to: replyAddressOf(mail), raw: 'Subject: sans expéditeur\r\n\r\nBonjour\r\n' });
    expect(noFrom.code).toBe(550);
    expect(noFrom.response).toContain('mal formé');
    const garbage = await deliverInbound({ from: CITIZEN, to: replyAddressOf(mail), raw: '\u0000\u0001 ceci n’est pas un courriel' });
    expect(garbage.code).toBe(550);

    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries`)).toBe(before);
  });

  it('stores an HTML-only reply as plain text without its scripts or styles', async () => {
    const { gendarme, conversationId } = await conversationFromForm();
    const { mail } = await answerByMail(gendarme, conversationId, 'Quel est le modèle du vélo ?');
    const answered = await deliverInbound({
      from: CITIZEN,
      to: replyAddressOf(mail),
      html:
        '<html><head><style>p { color: red }</style><script>alert("xss")</script></head>' +
        '<body><p>Un vélo <b>rouge</b>, marque Peugeot.</p><script>document.location="https://malveillant.example"</script>' +
        '<img src="x" onerror="alert(1)"></body></html>',
      headers: { 'In-Reply-To': mail.parsed.messageId! },
    });
    expect(answered.code).toBe(250);
    const pushed = await gendarme.log.waitFor<DeskMessageView>('message:new', (message) => message.text.includes('Peugeot'));
    expect(pushed.text).toBe('Un vélo rouge, marque Peugeot.');
    const [stored] = await platform.dataSource.query(`SELECT text FROM messages WHERE id = $1`, [pushed.id]);
    expect(stored.text).not.toMatch(/alert|<|color|malveillant/);
  });

  it('marks an answer failed on the desk when its mail bounces or the relay refuses it, and ignores a notification for another conversation', async () => {
    const { gendarme, conversationId } = await conversationFromForm('adresse.inexistante@exemple.fr');
    const { messageId, mail } = await answerByMail(gendarme, conversationId, 'Réponse qui ne sera pas remise', 'adresse.inexistante@exemple.fr');
    const boundary = `dsn-${randomUUID()}`;
    const dsn = (to: string, originalId: string) =>
      [
        'From: Mail Delivery System <mailer-daemon@mx.exemple.fr>',
        `To: ${to}`,
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: <${randomUUID()}@mx.exemple.fr>`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Your message could not be delivered.',
        `--${boundary}`,
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.exemple.fr',
        '',
        'Final-Recipient: rfc822; adresse.inexistante@exemple.fr',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
        `--${boundary}`,
        'Content-Type: text/rfc822-headers',
        '',
        `From: Brigade numérique <ne-pas-repondre@${SENDER_DOMAIN}>`,
        'To: adresse.inexistante@exemple.fr',
        `Message-ID: ${originalId}`,
        `--${boundary}--`,
        '',
      ].join('\r\n');

    // To a reply address whose token names another conversation: nothing changes.
    const other = await deliverInbound({
      from: '',
      to: `reply+${randomUUID().replace(/-/g, '')}-0000000000000000@${REPLY_DOMAIN}`,
      raw: dsn('x', mail.parsed.messageId!),
    });
    expect(other.code).toBe(550);
    const bounced = await deliverInbound({ from: '', to: replyAddressOf(mail), raw: dsn(replyAddressOf(mail), mail.parsed.messageId!) });
    expect(bounced.code).toBe(250);
    const status = await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === messageId && event.status === 'failed');
    expect(status.error).toContain('User unknown');
    const [stored] = await platform.dataSource.query(`SELECT delivery_status, delivery_error FROM messages WHERE id = $1`, [messageId]);
    expect(stored.delivery_status).toBe('failed');
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE author_type = 'citizen'`)).toBe(1);

    // The site's relay refusing an answer for good (5xx) fails it at once, with the reason, without retrying.
    outbox.refuseNext(550, '5.7.1 Relaying denied');
    const refused = await reply(gendarme.socket, conversationId, 'Réponse refusée par le relais');
    expect(refused.ok).toBe(true);
    const refusedId = refused.ok ? refused.data.id : '';
    const refusal = await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === refusedId && event.status === 'failed');
    expect(refusal.error).toContain('Relaying denied');
    expect(await count(`SELECT count(*)::int AS n FROM delivery_attempts WHERE message_id = $1`, [refusedId])).toBe(1);
  });

  it('counts an e-mail conversation past its service level only after the queue’s hours', async () => {
    const queueStatus = platform.app.get(QueueStatusService);
    const response = await leaveMessage({ email: CITIZEN, topic: 'general', message: 'Une question', language: 'fr', clientId: newClientMessageId() });
    expect(response.status).toBe(202);
    await waitUntil(() => platform.dataSource.query(`SELECT id FROM conversations`) as Promise<Json[]>, (rows) => rows.length === 1);
    await platform.dataSource.query(`UPDATE conversations SET waiting_since = now() - interval '3 hours', created_at = now() - interval '3 hours'`);
    const general = async () => (await queueStatus.overview()).serviceLevels.find((level) => level.queue === 'general')!;
    expect((await general()).waitingOverSla).toBe(0);
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false });
    const adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
    const update = await fetch(`${platform.url}/api/admin/queues/general`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ emailSlaHours: 2 }),
    });
    expect(update.status).toBe(200);
    expect(((await update.json()) as Json).emailSlaHours).toBe(2);
    expect((await general()).waitingOverSla).toBe(1);
  });
});
