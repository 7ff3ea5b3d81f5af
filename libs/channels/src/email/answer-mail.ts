import type { EmailTexts } from './email-texts';

export interface AnswerMailInput {
  texts: EmailTexts;
  authorName: string;
  text: string;
  continueUrl: string;
  continueTtlHours: number;
}

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * The text and HTML parts of a gendarme's answer. Everything that comes from a person (the answer, the author's
 * name) is escaped in the HTML part; the marker line starts the part a citizen's reply quotes, which is cut off
 * when that reply comes back.
 */
export function composeAnswerMail(input: AnswerMailInput): { text: string; html: string } {
  const { texts } = input;
  const text = [
    texts.marker,
    '',
    texts.from(input.authorName),
    '',
    input.text,
    '',
    texts.continueLabel,
    input.continueUrl,
    texts.continueHint(input.continueTtlHours),
    texts.replyHint,
    '',
    texts.emergency,
  ].join('\n');
  const paragraphs = input.text
    .split(/\n{2,}/)
    .map((paragraph) => `<p style="margin:0 0 12px">${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(texts.subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#161616">
<p style="color:#666;font-size:13px;margin:0 0 16px">${escapeHtml(texts.marker)}</p>
<p style="margin:0 0 12px"><strong>${escapeHtml(texts.from(input.authorName))}</strong></p>
${paragraphs}
<p style="margin:24px 0 8px"><a href="${escapeHtml(input.continueUrl)}" style="background:#000091;color:#fff;padding:10px 16px;text-decoration:none;display:inline-block">${escapeHtml(texts.continueLabel)}</a></p>
<p style="font-size:13px;color:#666;margin:0 0 12px">${escapeHtml(texts.continueHint(input.continueTtlHours))} ${escapeHtml(texts.replyHint)}</p>
<p style="font-size:13px;margin:0"><strong>${escapeHtml(texts.emergency)}</strong></p>
</body></html>`;
  return { text, html };
}
