/** The conversation as plain text, built on the device: the citizen downloads or copies it, the server sends nothing. */
import type { ChatMessage } from './chat-client';
import { LOCALES, type Language, type Texts } from './i18n';

export function buildTranscript(messages: ChatMessage[], texts: Texts, language: Language, now = new Date()): string {
  const locale = LOCALES[language];
  const stamp = (iso: string) =>
    new Date(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
  const lines = [texts.transcriptTitle, texts.transcriptExported(stamp(now.toISOString())), ''];
  for (const message of messages) {
    const author =
      message.author === 'citizen' ? texts.you : message.author === 'agent' ? message.authorName || texts.gendarme : texts.system;
    // French typography puts a space before the colon.
    lines.push(`[${stamp(message.at)}] ${author}${language === 'fr' ? ' :' : ':'}`, message.text, '');
  }
  return lines.join('\n');
}

export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
