import { ConfigValidationError, loadConfig } from './app-config';

describe('attachments configuration', () => {
  it('keeps files in a local directory by default, within 10 MiB and 5 files a message', () => {
    const { attachments } = loadConfig({});
    expect(attachments.storage).toEqual({ kind: 'local', directory: 'data/attachments' });
    expect([attachments.maxBytes, attachments.maxPerMessage, attachments.urlTtlSeconds]).toEqual([10 * 1024 * 1024, 5, 300]);
  });

  it('refuses an S3 storage without its bucket, or with half a key pair, listing both problems', () => {
    expect(() => loadConfig({ ATTACHMENTS_STORAGE: 's3', ATTACHMENTS_S3_ACCESS_KEY_ID: 'key' })).toThrow(ConfigValidationError);
    try {
      loadConfig({ ATTACHMENTS_STORAGE: 's3', ATTACHMENTS_S3_ACCESS_KEY_ID: 'key' });
    } catch (error) {
      expect((error as ConfigValidationError).problems).toEqual([
        'ATTACHMENTS_S3_BUCKET: required when ATTACHMENTS_STORAGE=s3',
        'ATTACHMENTS_S3_ACCESS_KEY_ID and ATTACHMENTS_S3_SECRET_ACCESS_KEY: give both or neither',
      ]);
    }
  });

  it('signs links with its own secret, or one derived from JWT_SECRET (never a shared default)', () => {
    const derivedA = loadConfig({ JWT_SECRET: 'a'.repeat(40) }).attachments.urlSecret;
    const derivedB = loadConfig({ JWT_SECRET: 'b'.repeat(40) }).attachments.urlSecret;
    expect(derivedA).not.toEqual(derivedB);
    expect(derivedA).not.toContain('a'.repeat(40));
    expect(loadConfig({ ATTACHMENTS_URL_SECRET: 'c'.repeat(40) }).attachments.urlSecret).toBe('c'.repeat(40));
  });
});
