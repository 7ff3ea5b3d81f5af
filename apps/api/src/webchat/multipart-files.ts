import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { AttachmentRefusedError, type IncomingFile } from '@brigade/attachments';
import { InvalidInputError } from '@brigade/errors';

export interface MultipartLimits {
  maxBytes: number;
  maxFiles: number;
}

export interface MultipartUpload {
  files: IncomingFile[];
  fields: Record<string, string>;
}

const MAX_FIELDS = 8;
const MAX_FIELD_BYTES = 16 * 1024;

/**
 * Reads a multipart/form-data upload into memory within the limits, refusing as soon as one is passed (a file over
 * the size limit, one file too many, a connection that ends before the closing boundary): the refusal's reason is what
 * the widget shows, in the citizen's language. Nothing is written anywhere before every file has been read and checked.
 */
export function readMultipartFiles(request: IncomingMessage, limits: MultipartLimits): Promise<MultipartUpload> {
  return new Promise((resolve, reject) => {
    const contentType = request.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(contentType)) {
      reject(new InvalidInputError('Envoyez les fichiers en multipart/form-data'));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fileSize: limits.maxBytes, files: limits.maxFiles, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: limits.maxFiles + MAX_FIELDS },
      });
    } catch {
      reject(new InvalidInputError('Envoi de fichiers mal formé'));
      return;
    }
    const files: IncomingFile[] = [];
    const fields: Record<string, string> = {};
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      // Stop reading: the rest of the upload is drained and dropped, so the connection ends cleanly.
      request.unpipe(parser);
      request.resume();
      reject(error);
    };
    parser.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new AttachmentRefusedError('too-large', info.filename)));
      // The file's stream fails too when the upload ends mid-file: the parser's own error says so (below).
      stream.on('error', () => fail(new AttachmentRefusedError('damaged', info.filename)));
      stream.on('end', () => {
        if (!settled) files.push({ bytes: Buffer.concat(chunks), name: info.filename ?? '' });
      });
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('filesLimit', () => fail(new AttachmentRefusedError('too-many')));
    parser.on('partsLimit', () => fail(new AttachmentRefusedError('too-many')));
    parser.on('fieldsLimit', () => fail(new InvalidInputError('Trop de champs dans cet envoi')));
    // A connection that ends before the closing boundary: the last file is incomplete.
    parser.on('error', () => fail(new AttachmentRefusedError('damaged')));
    request.on('aborted', () => fail(new AttachmentRefusedError('damaged')));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      resolve({ files, fields });
    });
    request.pipe(parser);
  });
}
