/**
 * The composer's files: an "attach" button (a real button, reachable by keyboard, naming what may be sent), the
 * files chosen shown before sending (a thumbnail for photos, the name for documents), each removable. The platform
 * checks every file again from its bytes; the checks here only spare the citizen a useless upload.
 */
import { ATTACHMENT_TEXTS, type AttachmentTexts, type FileRefusal } from './attachment-texts';
import type { Language } from './i18n';

export interface FileLimits {
  maxBytes: number;
  maxFiles: number;
}

const ACCEPTED = 'image/jpeg,image/png,image/heic,image/heif,application/pdf,.jpg,.jpeg,.png,.heic,.pdf';

export const COMPOSER_FILES_STYLES = `
.composer__files { list-style: none; margin: 0 0 0.5rem; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
.composer__files[hidden] { display: none; }
.composer__file { display: flex; align-items: center; gap: 0.25rem; max-width: 100%; padding: 0.25rem; border: 1px solid var(--border-default-grey, #ddd); border-radius: 0.25rem; font-size: 0.875rem; }
.composer__file img { width: 3rem; height: 3rem; object-fit: cover; border-radius: 0.125rem; }
.composer__file-name { overflow-wrap: anywhere; max-width: 12rem; }
.composer__file-remove { min-height: 2rem; }
.btn--attach { white-space: nowrap; }
.message__files { margin: 0.25rem 0 0; padding-left: 1rem; font-size: 0.875rem; }
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

export class ComposerFiles {
  /** The button that opens the file chooser. */
  readonly button: HTMLButtonElement;
  /** The hidden file input (kept in the document for the browser's chooser). */
  readonly input: HTMLInputElement;
  /** The files chosen, shown above the text box. */
  readonly previews: HTMLUListElement;
  readonly hint: HTMLParagraphElement;
  private files: { file: File; preview: string | null }[] = [];
  /** Kept while the same files are retried, so that a retry after a lost answer stores them once. */
  private clientMessageId: string | null = null;
  private texts: AttachmentTexts;

  constructor(
    language: Language,
    private readonly limits: FileLimits,
    private readonly newClientMessageId: () => string,
    private readonly showError: (message: string) => void,
  ) {
    this.texts = ATTACHMENT_TEXTS[language];
    this.hint = el('p', { id: 'bw-attach-hint', class: 'sr-only' });
    this.input = el('input', { type: 'file', multiple: '', accept: ACCEPTED, hidden: '', tabindex: '-1', 'data-testid': 'file-input' });
    this.button = el('button', { type: 'button', class: 'fr-btn fr-btn--tertiary fr-btn--sm btn btn--attach', 'aria-describedby': 'bw-attach-hint', 'data-testid': 'attach' });
    this.previews = el('ul', { class: 'composer__files', hidden: '', 'data-testid': 'chosen-files' });
    this.button.addEventListener('click', () => this.input.click());
    this.input.addEventListener('change', () => {
      void this.add(Array.from(this.input.files ?? []));
      this.input.value = '';
    });
    this.setLanguage(language);
  }

  setLanguage(language: Language): void {
    this.texts = ATTACHMENT_TEXTS[language];
    // A short word beside "Envoyer" keeps the composer on one row, so the conversation keeps its room.
    this.button.textContent = this.texts.attachShort;
    this.button.setAttribute('aria-label', this.texts.attach);
    this.hint.textContent = this.texts.attachHint(Math.floor(this.limits.maxBytes / (1024 * 1024)), this.limits.maxFiles);
    this.previews.setAttribute('aria-label', this.texts.chosenFiles);
    this.render();
  }

  get chosen(): File[] {
    return this.files.map((entry) => entry.file);
  }

  /** The id of the message these files go with (the same for every retry until the choice changes). */
  messageId(): string {
    this.clientMessageId ??= this.newClientMessageId();
    return this.clientMessageId;
  }

  refusalText(refusal: FileRefusal): string {
    return this.texts.refusals[refusal];
  }

  clear(): void {
    this.files = [];
    this.clientMessageId = null;
    this.render();
  }

  private async add(files: File[]): Promise<void> {
    if (this.files.length + files.length > this.limits.maxFiles) {
      this.showError(this.texts.refusals['too-many']);
      return;
    }
    const tooLarge = files.find((file) => file.size > this.limits.maxBytes);
    if (tooLarge) {
      this.showError(this.texts.refusals['too-large']);
      return;
    }
    const empty = files.find((file) => file.size === 0);
    if (empty) {
      this.showError(this.texts.refusals.empty);
      return;
    }
    this.showError('');
    for (const file of files) this.files.push({ file, preview: await previewOf(file) });
    this.clientMessageId = null;
    this.render();
  }

  private render(): void {
    this.previews.hidden = this.files.length === 0;
    this.previews.replaceChildren(
      ...this.files.map((entry, index) => {
        const remove = el('button', { type: 'button', class: 'fr-btn fr-btn--tertiary-no-outline fr-btn--sm btn composer__file-remove' }, ['×']);
        remove.setAttribute('aria-label', this.texts.remove(entry.file.name));
        remove.setAttribute('title', this.texts.remove(entry.file.name));
        remove.addEventListener('click', () => {
          this.files.splice(index, 1);
          this.clientMessageId = null;
          this.render();
          this.button.focus();
        });
        const children: Node[] = [];
        // A data: URL (not a blob: one): the pages embedding the widget commonly allow data: images only.
        if (entry.preview) children.push(el('img', { src: entry.preview, alt: '' }));
        children.push(el('span', { class: 'composer__file-name' }, [entry.file.name]), remove);
        return el('li', { class: 'composer__file', 'data-testid': 'chosen-file' }, children);
      }),
    );
  }
}

/** A thumbnail for the photos the browser can show (JPEG, PNG); none for documents. */
function previewOf(file: File): Promise<string | null> {
  if (file.type !== 'image/jpeg' && file.type !== 'image/png') return Promise.resolve(null);
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' && reader.result.startsWith('data:image/') ? reader.result : null);
    reader.onerror = () => resolve(null);
    reader.readAsDataURL(file);
  });
}
