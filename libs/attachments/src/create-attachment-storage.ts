import type { AttachmentStorageConfig } from '@brigade/config';
import type { AttachmentStorage } from './attachment-storage';
import { LocalAttachmentStorage } from './local-attachment-storage';
import { S3AttachmentStorage } from './s3-attachment-storage';

/** The storage the configuration chose (validated at boot: an S3 choice without a bucket never gets here). */
export function createAttachmentStorage(settings: AttachmentStorageConfig): AttachmentStorage {
  return settings.kind === 's3' ? new S3AttachmentStorage(settings) : new LocalAttachmentStorage(settings.directory);
}
