import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The part of s3rver (a loopback S3-compatible server, no type declarations of its own) the tests use. */
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

/**
 * An S3-compatible bucket on 127.0.0.1 and a random port, its objects in a temporary directory: the stand-in for a
 * deployment's object storage. s3rver checks AWS signatures with the access key and secret "S3RVER".
 */
export class LoopbackS3 {
  static readonly accessKeyId = 'S3RVER';
  static readonly secretAccessKey = 'S3RVER';

  private constructor(
    private readonly server: S3rverInstance,
    private readonly directory: string,
    readonly endpoint: string,
    readonly bucket: string,
  ) {}

  static async start(bucket = 'brigade-attachments'): Promise<LoopbackS3> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const S3rver = require('s3rver') as S3rverConstructor;
    const directory = await mkdtemp(join(tmpdir(), 'brigade-s3-'));
    const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
    const { port } = await server.run();
    return new LoopbackS3(server, directory, `http://127.0.0.1:${port}`, bucket);
  }

  /** The environment that points the platform at this bucket. */
  environment(): Record<string, string> {
    return {
      ATTACHMENTS_STORAGE: 's3',
      ATTACHMENTS_S3_ENDPOINT: this.endpoint,
      ATTACHMENTS_S3_BUCKET: this.bucket,
      ATTACHMENTS_S3_ACCESS_KEY_ID: LoopbackS3.accessKeyId,
      ATTACHMENTS_S3_SECRET_ACCESS_KEY: LoopbackS3.secretAccessKey,
    };
  }

  /** Keys of the objects in the bucket (s3rver keeps each object as "<key>._S3rver_object" beside its metadata). */
  async objectKeys(): Promise<string[]> {
    try {
      return (await readdir(join(this.directory, this.bucket)))
        .filter((name) => name.endsWith('._S3rver_object'))
        .map((name) => name.slice(0, -'._S3rver_object'.length))
        .sort();
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    await this.server.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
