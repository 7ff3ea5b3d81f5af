import { ConfigValidationError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives working local defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/brigade');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.routing.defaultCapacity).toBe(4);
    expect(config.demo.seed).toBe(false);
  });

  it('parses numbers, booleans and lists from strings', () => {
    const config = loadConfig({
      PORT: '8080',
      DEMO_SEED: 'true',
      WEBCHAT_ALLOWED_ORIGINS: 'https://www.gendarmerie.interieur.gouv.fr, https://example.org',
    });
    expect(config.http.port).toBe(8080);
    expect(config.demo.seed).toBe(true);
    expect(config.webchat.allowedOrigins).toEqual(['https://www.gendarmerie.interieur.gouv.fr', 'https://example.org']);
  });

  it('lists every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', JWT_SECRET: 'short', LOG_LEVEL: 'chatty' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/JWT_SECRET: must be at least 32 characters/);
    expect(problems).toMatch(/LOG_LEVEL/);
  });

  it('refuses development secrets, demo accounts and an open widget origin in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DEMO_SEED: 'true' })).toThrow(
      /JWT_SECRET[\s\S]*WEBCHAT_TOKEN_SECRET[\s\S]*DEMO_SEED[\s\S]*WEBCHAT_ALLOWED_ORIGINS/,
    );
  });

  it('accepts a production configuration with real secrets and listed origins', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'a'.repeat(48),
      WEBCHAT_TOKEN_SECRET: 'b'.repeat(48),
      WEBCHAT_ALLOWED_ORIGINS: 'https://www.example.gouv.fr',
    });
    expect(config.env).toBe('production');
  });

  it('takes the deployment\'s time zone from ROSTER_TIME_ZONE and refuses a name the runtime does not know', () => {
    expect(loadConfig({}).routing.rosterTimeZone).toBe('Europe/Paris');
    expect(loadConfig({ ROSTER_TIME_ZONE: 'Pacific/Noumea' }).routing.rosterTimeZone).toBe('Pacific/Noumea');
    expect(() => loadConfig({ ROSTER_TIME_ZONE: 'Paris' })).toThrow(/ROSTER_TIME_ZONE/);
  });

  it('keeps the agents’ state history 90 days unless AGENT_STATE_RETENTION_DAYS says otherwise, and refuses a bad value at boot', () => {
    expect(loadConfig({}).retention.agentStateDays).toBe(90);
    expect(loadConfig({ AGENT_STATE_RETENTION_DAYS: '30' }).retention.agentStateDays).toBe(30);
    for (const bad of ['0', '2.5', 'trente', '100000']) {
      expect(() => loadConfig({ AGENT_STATE_RETENTION_DAYS: bad })).toThrow(/AGENT_STATE_RETENTION_DAYS/);
    }
  });

  it('keeps quarantined messages 30 days unless QUARANTINE_RETENTION_DAYS says otherwise, and refuses a bad value at boot', () => {
    expect(loadConfig({}).retention.quarantineDays).toBe(30);
    expect(loadConfig({ QUARANTINE_RETENTION_DAYS: '90' }).retention.quarantineDays).toBe(90);
    for (const bad of ['0', '-3', '2.5', 'trente', '100000']) {
      expect(() => loadConfig({ QUARANTINE_RETENTION_DAYS: bad })).toThrow(/QUARANTINE_RETENTION_DAYS/);
    }
  });
});
