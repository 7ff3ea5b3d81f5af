import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived signed links to one stored attachment: `<path>?expires=<ms>&signature=<HMAC>`. The desk's <img> and
 * download links cannot carry the agent's bearer token, so the link itself is the credential, handed only to an agent
 * allowed to read the conversation, and only for a few minutes.
 */
export class AttachmentLinks {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  sign(attachmentId: string): { path: string; expiresAt: Date } {
    const expires = this.now() + this.ttlSeconds * 1000;
    const query = new URLSearchParams({ expires: String(expires), signature: this.signature(attachmentId, expires) });
    return { path: `/api/attachments/${attachmentId}?${query}`, expiresAt: new Date(expires) };
  }

  /** True for a signature made here for this attachment that has not expired. */
  verify(attachmentId: string, expires: unknown, signature: unknown): boolean {
    if (typeof expires !== 'string' || !/^\d{1,15}$/.test(expires) || typeof signature !== 'string') return false;
    if (Number(expires) < this.now()) return false;
    const expected = Buffer.from(this.signature(attachmentId, Number(expires)));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private signature(attachmentId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`attachment:${attachmentId}:${expires}`).digest('base64url');
  }
}
