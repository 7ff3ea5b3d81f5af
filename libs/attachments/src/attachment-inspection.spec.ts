import sharp from 'sharp';
import {
  decompressionBombPng,
  htmlDisguisedAsJpeg,
  jpegWithGpsExif,
  pdfDocument,
  pngImage,
  svgDisguisedAsJpeg,
  truncated,
} from '@brigade/testing';
import { cleanFileName, inspectAttachment } from './attachment-inspection';
import { AttachmentRefusedError } from './attachment-refusal';

const limits = { maxBytes: 1024 * 1024, maxImagePixels: 40_000_000 };

async function refusalOf(bytes: Buffer, name: string): Promise<string> {
  const error = await inspectAttachment(bytes, name, limits).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AttachmentRefusedError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.refusal;
}

describe('inspectAttachment', () => {
  it('re-encodes a JPEG without any metadata: the EXIF block and its GPS position are gone', async () => {
    const photo = await jpegWithGpsExif('Rue-des-Lilas-Rennes');
    const before = await sharp(photo).metadata();
    expect(before.exif).toBeDefined();
    expect(photo.includes(Buffer.from('Rue-des-Lilas-Rennes'))).toBe(true);

    const stored = await inspectAttachment(photo, 'IMG_0042.JPG', limits);

    expect(stored).toMatchObject({ kind: 'image', contentType: 'image/jpeg', name: 'IMG_0042.jpg' });
    const after = await sharp(stored.bytes).metadata();
    expect(after.format).toBe('jpeg');
    expect([after.width, after.height]).toEqual([64, 48]);
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(stored.bytes.includes(Buffer.from('Rue-des-Lilas-Rennes'))).toBe(false);
    expect(stored.bytes.includes(Buffer.from('GPS'))).toBe(false);
  });

  it('keeps a PNG a PNG, and a PDF byte for byte', async () => {
    const png = await inspectAttachment(await pngImage(), 'capture.png', limits);
    expect(png).toMatchObject({ kind: 'image', contentType: 'image/png', name: 'capture.png' });
    const pdf = pdfDocument();
    const document = await inspectAttachment(pdf, 'plainte.pdf', limits);
    expect(document).toMatchObject({ kind: 'document', contentType: 'application/pdf', name: 'plainte.pdf' });
    expect(document.bytes.equals(pdf)).toBe(true);
  });

  it('decides the type from the bytes: a PNG named .pdf is stored as a PNG', async () => {
    const stored = await inspectAttachment(await pngImage(), 'document.pdf', limits);
    expect(stored).toMatchObject({ contentType: 'image/png', name: 'document.png' });
  });

  it('refuses HTML and SVG named .jpg, a bomb, truncated files, an empty file and a file over the limit', async () => {
    expect(await refusalOf(htmlDisguisedAsJpeg(), 'photo.jpg')).toBe('unsupported-type');
    expect(await refusalOf(svgDisguisedAsJpeg(), 'photo.jpg')).toBe('unsupported-type');
    expect(await refusalOf(decompressionBombPng(), 'photo.png')).toBe('image-too-large');
    expect(await refusalOf(truncated(await jpegWithGpsExif()), 'photo.jpg')).toBe('damaged');
    expect(await refusalOf(truncated(await pngImage(200, 200)), 'photo.png')).toBe('damaged');
    expect(await refusalOf(truncated(pdfDocument()), 'plainte.pdf')).toBe('damaged');
    expect(await refusalOf(Buffer.alloc(0), 'vide.jpg')).toBe('empty');
    expect(await refusalOf(Buffer.concat([pdfDocument(), Buffer.alloc(limits.maxBytes)]), 'gros.pdf')).toBe('too-large');
  });
});

describe('cleanFileName', () => {
  it('keeps a readable label and nothing that means something in a path or a header', () => {
    expect(cleanFileName('../../etc/passwd', 'jpg')).toBe('passwd.jpg');
    expect(cleanFileName('C:\\Users\\moi\\Pièce "jointe"\r\n.png', 'png')).toBe('Pièce _jointe_.png');
    expect(cleanFileName('photo\u202Egpj.exe', 'jpg')).toBe('photogpj.jpg');
    expect(cleanFileName('', 'pdf')).toBe('piece-jointe.pdf');
    expect(cleanFileName('a'.repeat(300) + '.pdf', 'pdf')).toHaveLength(104);
  });
});
