import { botFrameworkAddressFrom, normaliseBotFrameworkActivity, parseBotFrameworkActivity } from './botframework-activity';

const base = {
  type: 'message',
  id: 'act-1',
  timestamp: '2026-03-01T10:00:00.000Z',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  channelId: 'msteams',
  from: { id: '29:citizen', name: 'Camille' },
  recipient: { id: '28:bot', name: 'Brigade' },
  conversation: { id: 'a:conv;messageid=1' },
  text: '  Bonjour, on a forcé ma porte  ',
  locale: 'fr-FR',
};

function parse(body: unknown) {
  const parsed = parseBotFrameworkActivity(body);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.activity;
}

describe('Bot Framework activity normalisation', () => {
  it('turns a message Activity into a unified inbound message with a reply address', () => {
    expect(normaliseBotFrameworkActivity(parse(base))).toEqual({
      channel: 'botframework',
      channelAccount: '28:bot',
      channelMessageId: 'a:conv;messageid=1:act-1',
      sender: {
        externalId: 'msteams:29:citizen',
        displayName: 'Camille',
        address: {
          serviceUrl: 'https://smba.trafficmanager.net/emea/',
          conversationId: 'a:conv;messageid=1',
          channelId: 'msteams',
          botId: '28:bot',
          botName: 'Brigade',
          userId: '29:citizen',
        },
      },
      text: 'Bonjour, on a forcé ma porte',
      attachments: [],
      sentAt: '2026-03-01T10:00:00.000Z',
      language: 'fr',
    });
  });

  it('keeps attachments as typed links, including Teams file cards, and drops inline cards and non-http links', () => {
    const message = normaliseBotFrameworkActivity(
      parse({
        ...base,
        text: '',
        attachments: [
          { contentType: 'image/jpeg', contentUrl: 'https://files.example/photo.jpg', name: 'photo.jpg' },
          { contentType: 'application/pdf', contentUrl: 'https://files.example/plainte.pdf' },
          {
            contentType: 'application/vnd.microsoft.teams.file.download.info',
            name: 'video.mp4',
            content: { downloadUrl: 'https://teams.example/download/1', fileType: 'mp4' },
          },
          { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } },
          { contentType: 'image/png', contentUrl: 'javascript:alert(1)' },
        ],
      }),
    );
    expect(message?.attachments).toEqual([
      { type: 'image', url: 'https://files.example/photo.jpg', name: 'photo.jpg' },
      { type: 'file', url: 'https://files.example/plainte.pdf' },
      { type: 'file', url: 'https://teams.example/download/1', name: 'video.mp4' },
    ]);
  });

  it('ignores activities that are not citizen messages', () => {
    expect(normaliseBotFrameworkActivity(parse({ ...base, type: 'conversationUpdate', text: undefined }))).toBeNull();
    expect(normaliseBotFrameworkActivity(parse({ ...base, type: 'typing', text: undefined }))).toBeNull();
    expect(normaliseBotFrameworkActivity(parse({ ...base, from: base.recipient }))).toBeNull();
    expect(normaliseBotFrameworkActivity(parse({ ...base, text: '   ' }))).toBeNull();
    expect(normaliseBotFrameworkActivity(parse({ ...base, id: undefined }))).toBeNull();
  });

  it('uses the reception time when the Activity has no usable timestamp', () => {
    const now = new Date('2026-03-02T08:00:00.000Z');
    expect(normaliseBotFrameworkActivity(parse({ ...base, timestamp: 'hier' }), now)?.sentAt).toBe(now.toISOString());
  });

  it('refuses bodies that are not Activities', () => {
    expect(parseBotFrameworkActivity('hello').ok).toBe(false);
    expect(parseBotFrameworkActivity({ ...base, serviceUrl: 'file:///etc/passwd' }).ok).toBe(false);
    const missing = parseBotFrameworkActivity({ ...base, conversation: undefined });
    expect(missing).toEqual({ ok: false, problems: [expect.stringContaining('conversation')] });
  });

  it('reads back a stored address and refuses an incomplete one', () => {
    const address = normaliseBotFrameworkActivity(parse(base))!.sender.address!;
    expect(botFrameworkAddressFrom(address)).toMatchObject({ conversationId: 'a:conv;messageid=1', userId: '29:citizen' });
    expect(botFrameworkAddressFrom({ ...address, serviceUrl: 'ftp://x' })).toBeNull();
    expect(botFrameworkAddressFrom({})).toBeNull();
  });
});
