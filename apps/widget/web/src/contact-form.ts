/**
 * "Laisser un message": the contact form, shown in the widget's panel and on the /contact/ page. Accessible by
 * construction: every field has its label, hint and error tied by aria-describedby; errors set aria-invalid, are
 * summed up in an alert and the first wrong field takes the focus; the confirmation is announced and focused.
 * Text from the server (topic names) is set with textContent only.
 */
import { CONTACT_TEXTS, ContactTexts } from './contact-i18n';
import type { Language } from './i18n';

export const CONTACT_MESSAGE_MAX_LENGTH = 5000;
const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

export interface ContactFormInfo {
  topics: { key: string; label: Record<Language, string> }[];
  gendarmesOnDuty: boolean;
}

type Field = 'email' | 'topic' | 'message';

/** The form's topics and whether a gendarme is on duty; null when the server cannot be reached. */
export async function loadContactFormInfo(server: string): Promise<ContactFormInfo | null> {
  try {
    const response = await fetch(`${server}/api/contact/form`, { headers: { accept: 'application/json' } });
    if (!response.ok) return null;
    return (await response.json()) as ContactFormInfo;
  } catch {
    return null;
  }
}

function newClientId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

export interface ContactFormOptions {
  server: string;
  language: Language;
  /** Prefix of the element ids (unique in the document or shadow root). */
  idPrefix: string;
  /** The heading's level: h2 on its own page, h3 in the widget's panel. */
  heading: 'h2' | 'h3';
  /** Shown as "back to the chat" when set (in the widget). */
  onBack?: () => void;
  /** The emergency numbers above the form (default); the widget's panel shows them already. */
  showEmergency?: boolean;
  /** A line above the form (e.g. no gendarme on duty, or an expired link). */
  notice?: (texts: ContactTexts) => string;
}

export class ContactForm {
  readonly element: HTMLElement;
  private language: Language;
  private clientId = newClientId();
  private info: ContactFormInfo | null = null;
  private readonly heading: HTMLElement;
  private readonly formView: HTMLElement;
  private readonly doneView: HTMLElement;
  private readonly doneHeading: HTMLElement;
  private readonly doneBody: HTMLParagraphElement;
  private readonly summary: HTMLDivElement;
  private readonly notice: HTMLParagraphElement;
  private readonly inputs: { email: HTMLInputElement; topic: HTMLSelectElement; message: HTMLTextAreaElement };
  private readonly errors: Record<Field, HTMLParagraphElement>;
  private readonly submitButton: HTMLButtonElement;
  private readonly renderers: ((texts: ContactTexts) => void)[] = [];
  private shownErrors: Partial<Record<Field, (texts: ContactTexts) => string>> = {};
  private summaryText: ((texts: ContactTexts) => string) | null = null;
  private sentTo = '';
  private sending = false;

  constructor(private readonly options: ContactFormOptions) {
    this.language = options.language;
    const id = (name: string) => `${options.idPrefix}-${name}`;
    this.heading = this.text(el(options.heading, { id: id('title'), class: 'contact__title', tabindex: '-1' }), (t) => t.title);
    this.notice = el('p', { class: 'contact__notice', hidden: '' });
    const intro = this.text(el('p', { class: 'contact__intro' }), (t) => t.intro);
    const required = this.text(el('p', { class: 'contact__required' }), (t) => t.required);
    this.summary = el('div', { class: 'contact__summary', role: 'alert' });

    const email = el('input', {
      id: id('email'),
      name: 'email',
      type: 'email',
      autocomplete: 'email',
      inputmode: 'email',
      required: '',
      'aria-describedby': `${id('email-hint')} ${id('email-error')}`,
    });
    const topic = el('select', { id: id('topic'), name: 'topic', required: '', 'aria-describedby': id('topic-error') });
    const message = el('textarea', {
      id: id('message'),
      name: 'message',
      rows: '6',
      required: '',
      'aria-describedby': `${id('message-hint')} ${id('message-error')}`,
    });
    this.inputs = { email, topic, message };
    this.errors = {
      email: el('p', { id: id('email-error'), class: 'contact__error' }),
      topic: el('p', { id: id('topic-error'), class: 'contact__error' }),
      message: el('p', { id: id('message-error'), class: 'contact__error' }),
    };
    const field = (name: Field, label: (t: ContactTexts) => string, control: HTMLElement, hint?: (t: ContactTexts) => string) =>
      el('div', { class: 'contact__field' }, [
        this.text(el('label', { for: id(name) }), label),
        ...(hint ? [this.text(el('p', { id: id(`${name}-hint`), class: 'contact__hint' }), hint)] : []),
        control,
        this.errors[name],
      ]);
    this.submitButton = this.text(el('button', { type: 'submit', class: 'btn' }), (t) => (this.sending ? t.sending : t.send));
    const form = el('form', { class: 'contact__form', novalidate: '', 'aria-labelledby': id('title') }, [
      required,
      this.summary,
      field('email', (t) => t.emailLabel, email, (t) => t.emailHint),
      field('topic', (t) => t.topicLabel, topic),
      field('message', (t) => t.messageLabel, message, (t) => t.messageHint(CONTACT_MESSAGE_MAX_LENGTH)),
      el('div', { class: 'contact__actions' }, [this.submitButton]),
    ]);
    const emergency = this.text(el('p', { class: 'contact__emergency' }), (t) => t.emergency);
    this.formView = el('div', { class: 'contact__body' }, [this.notice, intro, ...(options.showEmergency === false ? [] : [emergency]), form]);

    this.doneHeading = this.text(el(options.heading, { class: 'contact__title', tabindex: '-1' }), (t) => t.sentTitle);
    this.doneBody = el('p', { role: 'status' });
    const another = this.text(el('button', { type: 'button', class: 'btn btn--secondary' }), (t) => t.another);
    const doneActions: HTMLElement[] = [another];
    if (options.onBack) {
      const back = this.text(el('button', { type: 'button', class: 'btn' }), (t) => t.back);
      back.addEventListener('click', () => options.onBack?.());
      doneActions.unshift(back);
      const backFromForm = this.text(el('button', { type: 'button', class: 'link-button' }), (t) => t.back);
      backFromForm.addEventListener('click', () => options.onBack?.());
      this.formView.append(backFromForm);
    }
    this.doneView = el('div', { class: 'contact__body contact__done', hidden: '' }, [
      this.doneHeading,
      this.doneBody,
      el('div', { class: 'contact__actions' }, doneActions),
    ]);
    this.element = el('section', { class: 'contact', 'aria-labelledby': id('title') }, [this.heading, this.formView, this.doneView]);

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    another.addEventListener('click', () => this.reset());
    for (const name of ['email', 'topic', 'message'] as const) {
      this.inputs[name].addEventListener('change', () => {
        if (this.shownErrors[name] && !this.problemOf(name)) this.setError(name, null);
      });
    }
    this.render();
    void this.load();
  }

  setLanguage(language: Language): void {
    this.language = language;
    this.render();
  }

  setNotice(notice: ((texts: ContactTexts) => string) | null): void {
    this.options.notice = notice ?? undefined;
    this.render();
  }

  /** Moves the keyboard focus to the form's heading (when it is opened). */
  focus(): void {
    (this.doneView.hidden ? this.heading : this.doneHeading).focus();
  }

  get gendarmesOnDuty(): boolean | null {
    return this.info ? this.info.gendarmesOnDuty : null;
  }

  private get t(): ContactTexts {
    return CONTACT_TEXTS[this.language];
  }

  private text<E extends HTMLElement>(element: E, pick: (texts: ContactTexts) => string): E {
    this.renderers.push((texts) => {
      element.textContent = pick(texts);
    });
    return element;
  }

  private async load(): Promise<void> {
    this.info = await loadContactFormInfo(this.options.server);
    if (!this.info) {
      this.summaryText = (t) => t.loadFailed;
    }
    this.render();
  }

  private render(): void {
    const texts = this.t;
    for (const render of this.renderers) render(texts);
    const notice = this.options.notice?.(texts) ?? '';
    this.notice.textContent = notice;
    this.notice.hidden = notice === '';
    this.renderTopics(texts);
    for (const name of ['email', 'topic', 'message'] as const) {
      const error = this.shownErrors[name];
      this.errors[name].textContent = error ? error(texts) : '';
    }
    this.summary.textContent = this.summaryText ? this.summaryText(texts) : '';
    this.doneBody.textContent = texts.sentBody(this.sentTo);
    this.submitButton.disabled = this.sending;
  }

  private renderTopics(texts: ContactTexts): void {
    const select = this.inputs.topic;
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, [texts.topicPlaceholder]));
    for (const topic of this.info?.topics ?? []) {
      select.append(el('option', { value: topic.key }, [topic.label[this.language] ?? topic.label.fr]));
    }
    select.value = chosen;
  }

  private problemOf(name: Field): ((texts: ContactTexts) => string) | null {
    if (name === 'email') {
      const value = this.inputs.email.value.trim();
      if (!value) return (t) => t.emailMissing;
      return EMAIL.test(value) ? null : (t) => t.emailInvalid;
    }
    if (name === 'topic') return this.inputs.topic.value ? null : (t) => t.topicMissing;
    const message = this.inputs.message.value.trim();
    if (!message) return (t) => t.messageMissing;
    return message.length > CONTACT_MESSAGE_MAX_LENGTH ? (t) => t.messageTooLong(CONTACT_MESSAGE_MAX_LENGTH) : null;
  }

  private setError(name: Field, error: ((texts: ContactTexts) => string) | null): void {
    if (error) {
      this.shownErrors[name] = error;
      this.inputs[name].setAttribute('aria-invalid', 'true');
    } else {
      delete this.shownErrors[name];
      this.inputs[name].removeAttribute('aria-invalid');
    }
    if (Object.keys(this.shownErrors).length === 0 && this.summaryText !== null) this.summaryText = null;
    this.render();
  }

  private showErrors(problems: Partial<Record<Field, (texts: ContactTexts) => string>>): void {
    for (const name of ['email', 'topic', 'message'] as const) this.setError(name, problems[name] ?? null);
    const count = Object.keys(problems).length;
    this.summaryText = (t) => t.errorSummary(count);
    this.render();
    const first = (['email', 'topic', 'message'] as const).find((name) => problems[name]);
    if (first) this.inputs[first].focus();
  }

  private async submit(): Promise<void> {
    if (this.sending) return;
    const problems: Partial<Record<Field, (texts: ContactTexts) => string>> = {};
    for (const name of ['email', 'topic', 'message'] as const) {
      const problem = this.problemOf(name);
      if (problem) problems[name] = problem;
    }
    if (Object.keys(problems).length > 0) return this.showErrors(problems);
    this.sending = true;
    this.summaryText = null;
    this.render();
    const email = this.inputs.email.value.trim();
    try {
      const response = await fetch(`${this.options.server}/api/contact/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          email,
          topic: this.inputs.topic.value,
          message: this.inputs.message.value,
          language: this.language,
          clientId: this.clientId,
        }),
      });
      if (response.status === 202) return this.showDone(email);
      if (response.status === 400) {
        const body = (await response.json().catch(() => ({}))) as { fields?: { field: string }[] };
        const fromServer: Partial<Record<Field, (texts: ContactTexts) => string>> = {};
        for (const { field } of body.fields ?? []) {
          if (field === 'email' || field === 'topic' || field === 'message') fromServer[field] = this.problemOf(field) ?? LOCAL_MESSAGES[field];
        }
        if (Object.keys(fromServer).length > 0) return this.showErrors(fromServer);
      }
      this.summaryText = response.status === 429 ? (t) => t.rateLimited : (t) => t.failed;
    } catch {
      this.summaryText = (t) => t.failed;
    } finally {
      this.sending = false;
      this.render();
    }
  }

  private showDone(email: string): void {
    this.sentTo = email;
    this.formView.hidden = true;
    this.heading.hidden = true;
    this.doneView.hidden = false;
    this.render();
    this.doneHeading.focus();
  }

  private reset(): void {
    this.clientId = newClientId();
    this.inputs.message.value = '';
    this.shownErrors = {};
    this.summaryText = null;
    this.doneView.hidden = true;
    this.formView.hidden = false;
    this.heading.hidden = false;
    this.render();
    this.inputs.message.focus();
  }
}

/** What a field refused by the server says when the form's own checks found nothing (e.g. an address the server refuses). */
const LOCAL_MESSAGES: Record<Field, (texts: ContactTexts) => string> = {
  email: (t) => t.emailInvalid,
  topic: (t) => t.topicMissing,
  message: (t) => t.messageMissing,
};

export const CONTACT_STYLES = `
.contact { display: flex; flex-direction: column; padding: 1rem; overflow-y: auto; }
.contact__title { margin: 0 0 0.5rem; font-size: 1.25rem; line-height: 1.3; color: var(--bw-blue); }
.contact__title:focus { outline: none; }
.contact__title:focus-visible { outline: 3px solid var(--bw-focus); outline-offset: 2px; }
.contact__body p { margin: 0 0 0.75rem; }
.contact__notice { padding: 0.75rem; background: var(--bw-soft); border-left: 4px solid var(--bw-blue); }
.contact__emergency { padding: 0.5rem 0.75rem; background: var(--bw-alert-bg); color: var(--bw-alert-text); font-weight: 600; font-size: 0.9375rem; }
.contact__required { font-size: 0.875rem; color: var(--bw-muted); }
.contact__summary:empty { display: none; }
.contact__summary { margin: 0 0 0.75rem; padding: 0.5rem 0.75rem; border-left: 4px solid var(--bw-red); color: var(--bw-alert-text); font-weight: 600; }
.contact__field { display: flex; flex-direction: column; gap: 0.25rem; margin-bottom: 1rem; }
.contact__field label { font-weight: 600; }
.contact__hint { margin: 0 !important; font-size: 0.875rem; color: var(--bw-muted); }
.contact__field input, .contact__field select, .contact__field textarea {
  width: 100%; min-height: 2.75rem; padding: 0.5rem; font: inherit; color: var(--bw-text); background: var(--bw-bg);
  border: 1px solid var(--bw-border); border-radius: 0.25rem;
}
.contact__field textarea { resize: vertical; }
.contact__field [aria-invalid='true'] { border: 2px solid var(--bw-red); }
.contact__error { margin: 0 !important; color: var(--bw-error); font-weight: 600; font-size: 0.9375rem; }
.contact__error:empty { display: none; }
.contact__actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-bottom: 0.75rem; }
.contact .link-button { align-self: flex-start; }
.contact-entry { margin: 0 1rem 0.5rem; padding: 0.5rem 0.75rem; background: var(--bw-soft); border-left: 4px solid var(--bw-blue); font-size: 0.9375rem; }
.contact-entry p { margin: 0 0 0.25rem; }
`;
