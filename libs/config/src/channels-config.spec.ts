import { ConfigValidationError, loadConfig } from './app-config';

describe('channels configuration', () => {
  it('keeps Facebook and X off by default', () => {
    const { channels } = loadConfig({});
    expect(channels.facebook.enabled).toBe(false);
    expect(channels.x.enabled).toBe(false);
  });

  it('reads several pages and accounts', () => {
    const { channels } = loadConfig({
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: 'app-secret',
      FACEBOOK_VERIFY_TOKEN: 'verify',
      FACEBOOK_PAGES: '111:tokenA, 222:tokenB',
      X_ENABLED: 'true',
      X_CONSUMER_KEY: 'key',
      X_CONSUMER_SECRET: 'secret',
      X_ACCOUNTS: '9:tok-9:sec-9',
      X_API_BASE_URL: 'http://127.0.0.1:9999/2',
    });
    expect(channels.facebook.pages).toEqual({ '111': { accessToken: 'tokenA' }, '222': { accessToken: 'tokenB' } });
    expect(channels.x.accounts).toEqual({ '9': { accessToken: 'tok-9', accessSecret: 'sec-9' } });
    expect(channels.x.apiBaseUrl).toBe('http://127.0.0.1:9999/2/');
  });

  it('refuses a channel switched on without its secrets, listing each missing one', () => {
    let error: unknown;
    try {
      loadConfig({ FACEBOOK_ENABLED: 'true', X_ENABLED: 'true', X_ACCOUNTS: 'broken' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    for (const variable of ['FACEBOOK_APP_SECRET', 'FACEBOOK_VERIFY_TOKEN', 'FACEBOOK_PAGES', 'X_CONSUMER_SECRET', 'X_ACCOUNTS']) {
      expect(problems).toContain(variable);
    }
  });
});
