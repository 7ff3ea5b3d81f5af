/** Where the bytes of stored attachments live: one interface, a local directory or an S3-compatible bucket behind it. */
export interface AttachmentStorage {
  /** Writes the object; a key is written once (keys are random), so an existing key is simply replaced. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object's bytes; throws AttachmentMissingError when it is not there. */
  get(key: string): Promise<Buffer>;
  /** Removes the object; a missing one is not an error (erasure and purges may run twice). */
  delete(key: string): Promise<void>;
  /** Releases connections (the S3 client's sockets); the local directory has nothing to release. */
  close(): Promise<void>;
}

export const ATTACHMENT_STORAGE = Symbol('ATTACHMENT_STORAGE');

export class AttachmentMissingError extends Error {
  constructor(readonly key: string) {
    super(`attachment object ${key} is missing from the storage`);
    this.name = 'AttachmentMissingError';
  }
}

/** Keys are made by the platform ("<uuid>"): anything else is refused before it reaches a path or a bucket. */
export function assertStorageKey(key: string): void {
  if (!/^[0-9a-f-]{36}$/.test(key)) throw new Error(`invalid attachment storage key ${JSON.stringify(key)}`);
}
