import sharp, { type Metadata } from 'sharp';
import { AttachmentRefusedError } from './attachment-refusal';

export type AttachmentKind = 'image' | 'document';

/** A file checked from its bytes and made safe to keep: what is stored, never the bytes as received for images. */
export interface InspectedAttachment {
  kind: AttachmentKind;
  contentType: 'image/jpeg' | 'image/png' | 'application/pdf';
  bytes: Buffer;
  /** The citizen's file name, cleaned, its extension matching the stored type. */
  name: string;
}

export interface InspectionLimits {
  maxBytes: number;
  maxImagePixels: number;
}

// Read once: libvips' own caches would keep decoded citizen images in memory between requests for nothing.
sharp.cache(false);

/**
 * Decides what a file is from its bytes (never its name or its announced type) and makes it safe to store:
 * - JPEG, PNG (and HEIC/HEIF when this build of libvips decodes it) are decoded and re-encoded, which drops every
 *   metadata block (EXIF with its GPS position, XMP, IPTC, comments) and anything hidden after the image data;
 *   the decoder refuses an image of more than `maxImagePixels` before allocating it (decompression bombs);
 * - PDFs are kept as sent (re-writing them would change a document that may be evidence) and must start with the
 *   PDF signature and end with an end-of-file marker (a truncated upload is refused);
 * - anything else (HTML or SVG named .jpg, archives, executables) is refused.
 */
export async function inspectAttachment(bytes: Buffer, originalName: string, limits: InspectionLimits): Promise<InspectedAttachment> {
  if (bytes.length === 0) throw new AttachmentRefusedError('empty', originalName);
  if (bytes.length > limits.maxBytes) throw new AttachmentRefusedError('too-large', originalName);
  if (isPdf(bytes)) {
    if (!hasPdfEnd(bytes)) throw new AttachmentRefusedError('damaged', originalName);
    return { kind: 'document', contentType: 'application/pdf', bytes, name: cleanFileName(originalName, 'pdf') };
  }
  const format = rasterFormat(bytes);
  if (!format) throw new AttachmentRefusedError('unsupported-type', originalName);
  const options = { limitInputPixels: limits.maxImagePixels, failOn: 'truncated' as const, sequentialRead: true };
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, options).metadata();
  } catch (error) {
    throw refusalOf(error, format, originalName);
  }
  if (!metadata.width || !metadata.height) throw new AttachmentRefusedError('damaged', originalName);
  if (metadata.width * metadata.height > limits.maxImagePixels) throw new AttachmentRefusedError('image-too-large', originalName);
  const outputPng = format === 'png';
  try {
    // rotate(): the EXIF orientation is applied to the pixels before the EXIF block goes.
    const pipeline = sharp(bytes, options).rotate();
    const reEncoded = outputPng
      ? await pipeline.png({ compressionLevel: 9 }).toBuffer()
      : await pipeline.jpeg({ quality: 88, mozjpeg: true }).toBuffer();
    return {
      kind: 'image',
      contentType: outputPng ? 'image/png' : 'image/jpeg',
      bytes: reEncoded,
      name: cleanFileName(originalName, outputPng ? 'png' : 'jpg'),
    };
  } catch (error) {
    throw refusalOf(error, format, originalName);
  }
}

/** A decoder's failure as the citizen's reason: too many pixels, a HEIF this libvips cannot read, else damaged. */
function refusalOf(error: unknown, format: 'jpeg' | 'png' | 'heif', originalName: string): AttachmentRefusedError {
  const message = error instanceof Error ? error.message : '';
  if (/pixel limit/i.test(message)) return new AttachmentRefusedError('image-too-large', originalName);
  return new AttachmentRefusedError(format === 'heif' ? 'unsupported-type' : 'damaged', originalName);
}

function isPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 5).toString('latin1') === '%PDF-';
}

/** The end-of-file marker within the last KiB (where the specification allows trailing bytes). */
function hasPdfEnd(bytes: Buffer): boolean {
  return bytes.subarray(Math.max(0, bytes.length - 1024)).toString('latin1').includes('%%EOF');
}

/** The raster formats accepted, from their signatures: JPEG, PNG, and HEIC/HEIF (ISO BMFF with a HEIF brand). */
function rasterFormat(bytes: Buffer): 'jpeg' | 'png' | 'heif' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.subarray(4, 8).toString('latin1') === 'ftyp') {
    const brand = bytes.subarray(8, 12).toString('latin1');
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heif';
  }
  return null;
}

/**
 * The citizen's file name as a label: no directories, no control or bidirectional characters, no characters that
 * mean something in a header or a path, at most 100 characters, and the extension of what is actually stored.
 */
export function cleanFileName(name: string, extension: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    .normalize('NFC')
    // Control characters (C0, C1) and the invisible or bidirectional formatting ones that disguise an extension.
    .replace(/[\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069]/gu, '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^\p{L}\p{N} ._()-]/gu, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 100);
  return `${base || 'piece-jointe'}.${extension}`;
}
