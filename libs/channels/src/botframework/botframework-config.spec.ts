import { ConfigValidationError, loadConfig } from '@brigade/config';

/** Production settings that pass every other check, so that only the Bot Framework rules can fail. */
const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
  WEBCHAT_TOKEN_SECRET: 'another-production-secret-of-32-characters',
  WEBCHAT_ALLOWED_ORIGINS: 'https://www.gendarmerie.example',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
}

describe('Bot Framework configuration', () => {
  it('refuses to start in production with the channel on and no app id (tokens would not be checked)', () => {
    expect(problemsOf({ ...production, BOTFRAMEWORK_ENABLED: 'true' })).toEqual([
      expect.stringContaining('BOTFRAMEWORK_APP_ID'),
    ]);
  });

  it('refuses in production an app id without its password, a fixed test token, or plain-http key metadata', () => {
    expect(problemsOf({ ...production, BOTFRAMEWORK_ENABLED: 'true', BOTFRAMEWORK_APP_ID: 'app' })).toEqual([
      expect.stringContaining('BOTFRAMEWORK_APP_PASSWORD'),
    ]);
    const problems = problemsOf({
      ...production,
      BOTFRAMEWORK_ENABLED: 'true',
      BOTFRAMEWORK_APP_ID: 'app',
      BOTFRAMEWORK_APP_PASSWORD: 'secret',
      BOTFRAMEWORK_STATIC_BEARER_TOKEN: 'fixed',
      BOTFRAMEWORK_OPENID_METADATA_URL: 'http://127.0.0.1:9/.well-known/openidconfiguration',
    });
    expect(problems).toEqual([
      expect.stringContaining('BOTFRAMEWORK_STATIC_BEARER_TOKEN'),
      expect.stringContaining('BOTFRAMEWORK_OPENID_METADATA_URL'),
    ]);
  });

  it('starts in production with app id and password, and in development without an app id', () => {
    const config = loadConfig({
      ...production,
      BOTFRAMEWORK_ENABLED: 'true',
      BOTFRAMEWORK_APP_ID: '00000000-0000-0000-0000-000000000001',
      BOTFRAMEWORK_APP_PASSWORD: 'secret',
    });
    expect(config.botframework).toMatchObject({ enabled: true, appId: '00000000-0000-0000-0000-000000000001' });
    expect(loadConfig({ NODE_ENV: 'development', BOTFRAMEWORK_ENABLED: 'true' }).botframework).toMatchObject({
      enabled: true,
      appId: '',
    });
    expect(problemsOf({ ...production })).toEqual([]);
  });
});
