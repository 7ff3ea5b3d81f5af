import { execFile } from 'node:child_process';

// pdfjs (inside pdf-parse) loads its worker with a dynamic import, which jest's module sandbox refuses: the PDF is
// parsed by a plain Node process instead, as a unit's own tooling would read it.
const SCRIPT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  const result = await parser.getText();
  await parser.destroy();
  process.stdout.write(result.text);
});
`;

/** The text of a PDF, as pdf-parse (pdfjs) extracts it. */
export function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', SCRIPT], { maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`pdf-parse failed: ${stderr || error.message}`)) : resolve(stdout),
    );
    child.stdin!.end(pdf);
  });
}
