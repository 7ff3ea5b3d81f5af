import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { LoopbackS3 } from '@brigade/testing';
import { AttachmentMissingError, AttachmentStorage } from './attachment-storage';
import { createAttachmentStorage } from './create-attachment-storage';

describe.each(['local', 's3'] as const)('attachment storage: %s', (kind) => {
  let directory: string;
  let s3: LoopbackS3 | null = null;
  let storage: AttachmentStorage;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'brigade-attachments-'));
    if (kind === 'local') {
      storage = createAttachmentStorage({ kind: 'local', directory: join(directory, 'files') });
      return;
    }
    s3 = await LoopbackS3.start();
    storage = createAttachmentStorage({
      kind: 's3',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      bucket: s3.bucket,
      accessKeyId: LoopbackS3.accessKeyId,
      secretAccessKey: LoopbackS3.secretAccessKey,
      forcePathStyle: true,
    });
  }, 60_000);

  afterAll(async () => {
    await storage?.close();
    await s3?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('gives back the bytes it was given, and nothing once they are deleted', async () => {
    const key = randomUUID();
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    await storage.put(key, bytes, 'application/pdf');
    expect((await storage.get(key)).equals(bytes)).toBe(true);
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toBeInstanceOf(AttachmentMissingError);
    // Deleting twice (an erasure run again) is not an error.
    await storage.delete(key);
  });

  it('refuses a key that is not one the platform made (no path or bucket tricks)', async () => {
    await expect(storage.put('../../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow(/invalid attachment storage key/);
    await expect(storage.get('a/b')).rejects.toThrow(/invalid attachment storage key/);
  });

  if (kind === 'local') {
    it('leaves no temporary file behind a write', async () => {
      const key = randomUUID();
      await storage.put(key, Buffer.from('photo'), 'image/jpeg');
      expect(await readdir(join(directory, 'files', key.slice(0, 2)))).toEqual([key]);
    });
  }
});
