import { addressedAccounts } from './channel-switch.service';

describe('accounts a webhook payload is addressed to', () => {
  it('reads Facebook pages, the X account and the bot, and nothing from a malformed payload', () => {
    expect(addressedAccounts('facebook', { object: 'page', entry: [{ id: '1' }, { id: '2' }, { id: 3 }, null] })).toEqual(['1', '2']);
    expect(addressedAccounts('x', { for_user_id: '42', direct_message_events: [] })).toEqual(['42']);
    expect(addressedAccounts('botframework', { type: 'message', recipient: { id: 'bot-app-id' } })).toEqual(['bot-app-id']);
    expect(addressedAccounts('facebook', 'not an object')).toEqual([]);
    expect(addressedAccounts('x', { for_user_id: 42 })).toEqual([]);
    expect(addressedAccounts('botframework', { recipient: null })).toEqual([]);
  });
});
