import { isEmptyInbound, isPermanentStorageFailure, repairInbound, storableString } from './inbound-repair';

describe('inbound repair', () => {
  it('turns lone surrogates into U+FFFD and keeps pairs (emoji) intact', () => {
    expect(storableString('seul \ud800')).toBe('seul \uFFFD');
    expect(storableString('\udc00 début')).toBe('\uFFFD début');
    expect(storableString('😀 \ud83d\ude00')).toBe('😀 😀');
    expect(storableString('\ud800\ud800\udc00')).toBe('\uFFFD\ud800\udc00');
    expect(JSON.stringify(storableString('fin \udbff'))).toBe('"fin \uFFFD"');
  });

  it('drops NUL in every field and control characters from the text, keeping tabs and line breaks', () => {
    const repaired = repairInbound({
      channel: 'facebook',
      channelAccount: 'page',
      channelMessageId: 'mid\u0000.1',
      sender: { externalId: 'psid\ud800', displayName: 'Nom\u0000', address: { 'clé\udc00': ['v\u0000'] } },
      text: 'a\u0000b\u0007c\td\ne',
      attachments: [],
      sentAt: '2026-12-06T00:00:00Z',
    });
    expect(repaired).toMatchObject({
      channelMessageId: 'mid.1',
      sender: { externalId: 'psid\uFFFD', displayName: 'Nom', address: { 'clé\uFFFD': ['v'] } },
      text: 'abc\td\ne',
    });
  });

  it('calls a message empty only when neither text nor attachment is left', () => {
    const base = { channel: 'webchat' as const, channelAccount: '', channelMessageId: 'x', sender: { externalId: 'v' }, sentAt: '' };
    expect(isEmptyInbound(repairInbound({ ...base, text: '\u0000 \u0001', attachments: [] }))).toBe(true);
    expect(isEmptyInbound(repairInbound({ ...base, text: '', attachments: [{ type: 'image', url: 'https://x/y.png' }] as never }))).toBe(false);
  });

  it('tells refusals for good (data, integrity, statement, limits) from transient failures', () => {
    for (const code of ['22P05', '22021', '23505', '42601', '54000']) expect(isPermanentStorageFailure({ code })).toBe(true);
    for (const code of ['08006', '57P01', '40P01', '53300', undefined]) expect(isPermanentStorageFailure({ code })).toBe(false);
    expect(isPermanentStorageFailure(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(false);
  });
});
