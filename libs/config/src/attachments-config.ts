import { createHmac } from 'node:crypto';
import { z } from 'zod';

/**
 * Settings of the files citizens send (photos, PDFs): where they are kept (a local directory by default, an
 * S3-compatible bucket for clusters), how large and how many, and the secret of the short-lived links the desk opens.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const attachmentsEnvironmentShape = {
  /** local: ATTACHMENTS_DIR; s3: the ATTACHMENTS_S3_* bucket (shared by every node of a cluster). */
  ATTACHMENTS_STORAGE: z.enum(['local', 's3']).default('local'),
  ATTACHMENTS_DIR: z.string().min(1).default('data/attachments'),
  ATTACHMENTS_S3_ENDPOINT: z.string().url().optional(),
  ATTACHMENTS_S3_REGION: z.string().min(1).default('us-east-1'),
  ATTACHMENTS_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name').optional(),
  ATTACHMENTS_S3_ACCESS_KEY_ID: z.string().optional(),
  ATTACHMENTS_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style addressing (http://host/bucket/key): what MinIO, Garage and most self-hosted stores expect. */
  ATTACHMENTS_S3_FORCE_PATH_STYLE: booleanFromEnv.default(true),
  /** Largest file a citizen may send, in bytes (default 10 MiB). */
  ATTACHMENTS_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Files in one message. */
  ATTACHMENTS_MAX_PER_MESSAGE: z.coerce.number().int().min(1).max(20).default(5),
  /** Largest image, in pixels (width x height): a decompression bomb is refused before it is decoded. */
  ATTACHMENTS_MAX_IMAGE_PIXELS: z.coerce.number().int().min(10_000).max(1_000_000_000).default(40_000_000),
  /**
   * Secret of the signed links the desk opens attachments with (HMAC-SHA256). Unset: derived from JWT_SECRET, so that
   * a deployment has one secret less to manage and never runs with a shared default.
   */
  ATTACHMENTS_URL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a signed link stays valid. */
  ATTACHMENTS_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  /** Time allowed to download a Messenger or X attachment from the provider. */
  ATTACHMENTS_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
};

type AttachmentsEnvironment = z.infer<z.ZodObject<typeof attachmentsEnvironmentShape>>;

export type AttachmentStorageConfig =
  | { kind: 'local'; directory: string }
  | {
      kind: 's3';
      endpoint: string | null;
      region: string;
      bucket: string;
      accessKeyId: string | null;
      secretAccessKey: string | null;
      forcePathStyle: boolean;
    };

export interface AttachmentsConfig {
  storage: AttachmentStorageConfig;
  maxBytes: number;
  maxPerMessage: number;
  maxImagePixels: number;
  urlSecret: string;
  urlTtlSeconds: number;
  downloadTimeoutMs: number;
}

export function attachmentsConfigFromEnv(e: AttachmentsEnvironment, jwtSecret: string): { attachments: AttachmentsConfig; problems: string[] } {
  const problems: string[] = [];
  let storage: AttachmentStorageConfig = { kind: 'local', directory: e.ATTACHMENTS_DIR };
  if (e.ATTACHMENTS_STORAGE === 's3') {
    if (!e.ATTACHMENTS_S3_BUCKET) problems.push('ATTACHMENTS_S3_BUCKET: required when ATTACHMENTS_STORAGE=s3');
    if (!!e.ATTACHMENTS_S3_ACCESS_KEY_ID !== !!e.ATTACHMENTS_S3_SECRET_ACCESS_KEY) {
      problems.push('ATTACHMENTS_S3_ACCESS_KEY_ID and ATTACHMENTS_S3_SECRET_ACCESS_KEY: give both or neither');
    }
    storage = {
      kind: 's3',
      endpoint: e.ATTACHMENTS_S3_ENDPOINT ?? null,
      region: e.ATTACHMENTS_S3_REGION,
      bucket: e.ATTACHMENTS_S3_BUCKET ?? '',
      accessKeyId: e.ATTACHMENTS_S3_ACCESS_KEY_ID ?? null,
      secretAccessKey: e.ATTACHMENTS_S3_SECRET_ACCESS_KEY ?? null,
      forcePathStyle: e.ATTACHMENTS_S3_FORCE_PATH_STYLE,
    };
  }
  return {
    problems,
    attachments: {
      storage,
      maxBytes: e.ATTACHMENTS_MAX_BYTES,
      maxPerMessage: e.ATTACHMENTS_MAX_PER_MESSAGE,
      maxImagePixels: e.ATTACHMENTS_MAX_IMAGE_PIXELS,
      urlSecret: e.ATTACHMENTS_URL_SECRET ?? createHmac('sha256', jwtSecret).update('attachment links').digest('base64url'),
      urlTtlSeconds: e.ATTACHMENTS_URL_TTL_SECONDS,
      downloadTimeoutMs: e.ATTACHMENTS_DOWNLOAD_TIMEOUT_MS,
    },
  };
}
