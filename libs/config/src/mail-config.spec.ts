import { ConfigValidationError, loadConfig } from './app-config';

describe('mail and reports settings', () => {
  it('sends no mail until SMTP_HOST is set and offers the built-in report natures', () => {
    const config = loadConfig({});
    expect(config.mail.smtp.host).toBe('');
    expect(config.mail.smtp).toMatchObject({ port: 587, secure: false, requireTls: false, tlsRejectUnauthorized: true });
    expect(config.reports.natures).toEqual(expect.arrayContaining([{ key: 'conflit-voisinage', label: 'Conflit de voisinage' }]));
    expect(config.reports.fallbackUnitCode).toBeNull();
  });

  it('reads the TLS settings, the natures list and the fallback unit', () => {
    const config = loadConfig({
      SMTP_HOST: 'smtp.example.fr',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
      REPORT_NATURES: 'vif=Violences intrafamiliales|autre=Autre',
      REPORT_FALLBACK_UNIT: 'permanence',
    });
    expect(config.mail.smtp).toMatchObject({ host: 'smtp.example.fr', port: 465, secure: true, tlsRejectUnauthorized: false });
    expect(config.reports.natures).toEqual([
      { key: 'vif', label: 'Violences intrafamiliales' },
      { key: 'autre', label: 'Autre' },
    ]);
    expect(config.reports.fallbackUnitCode).toBe('permanence');
  });

  it('lists every problem: a malformed nature, a bad sender, a short webhook secret in production', () => {
    expect(() => loadConfig({ REPORT_NATURES: 'Pas une clé', MAIL_FROM: 'personne' })).toThrow(ConfigValidationError);
    try {
      loadConfig({ REPORT_NATURES: 'Pas une clé', MAIL_FROM: 'personne' });
    } catch (error) {
      expect((error as ConfigValidationError).problems).toEqual([
        expect.stringContaining('REPORT_NATURES: "Pas une clé"'),
        expect.stringContaining('REPORT_NATURES: at least one nature'),
        expect.stringContaining('MAIL_FROM'),
      ]);
    }
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
        WEBCHAT_TOKEN_SECRET: 'another-production-secret-of-32-characters',
        WEBCHAT_ALLOWED_ORIGINS: 'https://www.example.fr',
        REPORT_WEBHOOK_SECRET: 'short',
      }),
    ).toThrow(/REPORT_WEBHOOK_SECRET/);
  });
});
