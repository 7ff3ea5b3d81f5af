import { createHmac } from 'node:crypto';
import { checkXSignature, xCrcResponse, xSignature } from './x-signature';
import { parseXWebhook } from './x-webhook.parser';

const event = (id: string, sender: string, recipient: string, text: string, at = 1) => ({
  type: 'message_create',
  id,
  created_timestamp: String(at),
  message_create: { target: { recipient_id: recipient }, sender_id: sender, message_data: { text } },
});

describe('X signatures', () => {
  it('answers the CRC with the base64 HMAC of the token', () => {
    expect(xCrcResponse('tok', 'secret')).toEqual({
      response_token: `sha256=${createHmac('sha256', 'secret').update('tok').digest('base64')}`,
    });
  });

  it('accepts the base64 HMAC of the raw body only', () => {
    const body = Buffer.from('{"for_user_id":"1"}');
    expect(checkXSignature(body, xSignature(body, 's'), 's')).toBe('valid');
    expect(checkXSignature(body, xSignature(body, 't'), 's')).toBe('invalid');
    expect(checkXSignature(body, `sha256=${createHmac('sha256', 's').update(body).digest('hex')}`, 's')).toBe('invalid');
    expect(checkXSignature(body, undefined, 's')).toBe('missing');
  });
});

describe('parseXWebhook', () => {
  const accounts = new Set(['100']);

  it('reads the Account Activity shape, ignoring our own DMs and taking the sender’s name', () => {
    const parsed = parseXWebhook(
      {
        for_user_id: '100',
        direct_message_events: [event('2', '7', '100', 'later', 20), event('1', '7', '100', 'first', 10), event('3', '100', '7', 'ours')],
        users: { '7': { id: '7', name: 'Jeanne', screen_name: 'jeanne' } },
      },
      accounts,
    );
    expect(parsed.messages.map((message) => [message.channelMessageId, message.text, message.sender.displayName])).toEqual([
      ['1', 'first', 'Jeanne'],
      ['2', 'later', 'Jeanne'],
    ]);
  });

  it('reads the X Activity dm.received shape and drops other accounts', () => {
    const parsed = parseXWebhook(
      { data: { event_type: 'dm.received', filter: { user_id: '100' }, payload: { direct_message_events: [event('5', '8', '100', 'hi')] } } },
      accounts,
    );
    expect(parsed.messages.map((message) => message.channelMessageId)).toEqual(['5']);
    const elsewhere = parseXWebhook({ for_user_id: '200', direct_message_events: [event('6', '8', '200', 'hi')] }, accounts);
    expect(elsewhere.messages).toEqual([]);
    expect(elsewhere.unknownAccounts).toEqual(['200']);
  });
});
