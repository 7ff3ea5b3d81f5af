/**
 * The widget's screen, in a shadow root: launcher button (floating mode), chat panel, end screen. Every text from the
 * conversation is set with textContent, never parsed as HTML.
 */
import { newClientMessageId, type ChatClient, type ChatMessage } from './chat-client';
import { ATTACHMENT_TEXTS } from './attachment-texts';
import { COMPOSER_FILES_STYLES, ComposerFiles } from './composer-files';
import { CONTACT_STYLES } from './contact-form';
import { ContactEntry } from './contact-entry';
import { LANGUAGE_NAMES, LANGUAGES, LOCALES, Language, TEXTS, Texts, isLanguage } from './i18n';
import { KNOWLEDGE_STYLES, KnowledgeSuggestions } from './knowledge-suggestions';
import { eraseStored, readNoticesOpen, readStored, STORAGE_KEY, writeNoticesOpen, writeStored } from './storage';
import styles from './styles.css?inline';
import { buildTranscript, downloadText } from './transcript';

export interface WidgetOptions {
  mode: 'floating' | 'page';
  exitUrl: string;
  privacyUrl?: string;
  language: Language;
  /** The platform's address, for the knowledge-base suggestions. */
  server?: string;
  /** Where the widget's script was served from: the DSFR styles, Marianne fonts and icons are under dsfr/. */
  assetBase?: string;
  /** What the platform accepts per message (it checks again): ATTACHMENTS_MAX_BYTES and ATTACHMENTS_MAX_PER_MESSAGE. */
  fileLimits?: { maxBytes: number; maxFiles: number };
}

type Setter = (texts: Texts) => void;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

export class WidgetView {
  private language: Language;
  private readonly setters: Setter[] = [];
  private readonly root: ShadowRoot;
  private readonly panel: HTMLElement;
  private readonly launcher: HTMLButtonElement | null;
  private readonly statusLine: HTMLParagraphElement;
  private readonly notice: HTMLElement;
  private readonly noticeToggle: HTMLButtonElement;
  private readonly brand: HTMLElement;
  private readonly endLink: HTMLButtonElement;
  private readonly list: HTMLOListElement;
  private readonly scroller: HTMLDivElement;
  private readonly typing: HTMLParagraphElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly counter: HTMLSpanElement;
  private readonly error: HTMLParagraphElement;
  private readonly announcer: HTMLDivElement;
  private readonly chatView: HTMLDivElement;
  private readonly endView: HTMLDivElement;
  private readonly endHeading: HTMLHeadingElement;
  private readonly endClosedByAgent: HTMLParagraphElement;
  private readonly ratingFeedback: HTMLParagraphElement;
  private readonly transcriptFeedback: HTMLParagraphElement;
  private lastState: string | undefined;
  /** The conversation is scrolled to its newest message (see keepNewestInView). */
  private followNewest = true;
  /** Messages already on screen (see renderMessages). */
  private readonly shownKeys = new Set<string>();
  private readonly suggestions: KnowledgeSuggestions;
  private readonly contact: ContactEntry;
  private readonly files: ComposerFiles;
  private readonly sendButton: HTMLButtonElement;

  constructor(
    private readonly host: HTMLElement,
    private readonly client: ChatClient,
    private readonly options: WidgetOptions,
  ) {
    this.language = options.language;
    this.root = host.attachShadow({ mode: 'open' });
    const assetBase = options.assetBase ?? `${options.server ?? ''}/widget/`;
    loadDesignSystem(this.root, assetBase);
    // The widget's own rules come after the design system's, so they win where they differ.
    this.root.append(el('style', {}, [styles + KNOWLEDGE_STYLES + CONTACT_STYLES + COMPOSER_FILES_STYLES]));
    const floating = options.mode === 'floating';

    this.launcher = floating
      ? el('button', { type: 'button', class: 'fr-btn btn launcher', 'aria-expanded': 'false', 'aria-controls': 'bw-panel' }, [
          el('span', { class: 'icon icon--chat', 'aria-hidden': 'true' }),
          this.text(el('span'), (t) => t.launcher),
        ])
      : null;

    const title = this.text(el('h2', { id: 'bw-title', class: 'title' }), (t) => t.title);
    const subtitle = this.text(el('p', { class: 'subtitle' }), (t) => t.subtitle);
    // The State brand block ("République française"), only where the deployer turned INTERFACE_STATE_BRAND on.
    this.brand = el('p', { class: 'fr-logo brand', hidden: '' }, ['République', el('br'), 'Française']);
    // Each language named in itself, so that a citizen who reads no French still finds theirs.
    const languageMenu = el(
      'select',
      { class: 'fr-select language', 'data-testid': 'language' },
      LANGUAGES.map((language) => el('option', { value: language, lang: language }, [LANGUAGE_NAMES[language]])),
    );
    this.bind((t) => {
      languageMenu.value = this.language;
      languageMenu.setAttribute('aria-label', t.languageLabel);
    });
    const exit = el('button', { type: 'button', class: 'fr-btn fr-btn--sm btn btn--exit', 'data-quick-exit': '' }, [
      el('span', { class: 'icon icon--exit', 'aria-hidden': 'true' }),
      this.text(el('span'), (t) => t.quickExit),
    ]);
    this.bind((t) => exit.setAttribute('aria-label', t.quickExitLabel));
    const tools = el('div', { class: 'header__tools' }, [languageMenu, exit]);
    const header = el('div', { class: 'header' }, [this.brand, el('div', { class: 'header__titles' }, [title, subtitle]), tools]);
    if (floating) {
      const close = el('button', { type: 'button', class: 'fr-btn fr-btn--tertiary-no-outline fr-btn--sm btn--close' }, [
        el('span', { class: 'icon icon--close', 'aria-hidden': 'true' }),
      ]);
      this.bind((t) => {
        close.setAttribute('aria-label', t.close);
        close.title = t.close;
      });
      close.addEventListener('click', () => this.setOpen(false));
      header.append(close);
    }

    this.statusLine = el('p', { class: 'status', role: 'status' });
    // Ending the conversation sits beside its status, away from the composer's send button.
    this.endLink = this.text(el('button', { type: 'button', class: 'link-button' }), (t) => t.end);
    const statusBar = el('div', { class: 'statusbar' }, [this.statusLine, this.endLink]);

    // The emergency numbers stay on one line; the full notice (emergency and data) unfolds under it.
    this.noticeToggle = el('button', { type: 'button', class: 'notices__toggle', 'aria-expanded': 'true', 'aria-controls': 'bw-notice-body' }, [
      this.text(el('span'), (t) => t.noticeToggle),
      el('span', { class: 'icon icon--chevron', 'aria-hidden': 'true' }),
    ]);
    const noticeTitle = this.text(el('h3', { id: 'bw-notice-title' }), (t) => t.noticeTitle);
    const noticeChildren: Node[] = [
      noticeTitle,
      this.text(el('p'), (t) => t.noticeEmergency),
      this.text(el('p'), (t) => t.noticeData),
    ];
    if (options.privacyUrl) {
      noticeChildren.push(
        el('p', {}, [this.text(el('a', { class: 'fr-link', href: options.privacyUrl, target: '_blank', rel: 'noopener' }), (t) => t.privacyLink)]),
      );
    }
    // Focusable: on a small screen the notice scrolls in its own box, and keyboard users must reach all of it.
    this.notice = el('div', { id: 'bw-notice-body', class: 'notices__body', role: 'region', tabindex: '0', 'aria-labelledby': 'bw-notice-title' }, noticeChildren);
    const notices = el('section', { class: 'notices', 'data-testid': 'notices' }, [
      el('div', { class: 'notices__bar' }, [
        this.text(el('p', { class: 'notices__emergency', 'data-testid': 'emergency-line' }), (t) => t.emergencyShort),
        this.noticeToggle,
      ]),
      this.notice,
    ]);
    this.bind((t) => notices.setAttribute('aria-label', t.noticeToggle));
    this.noticeToggle.addEventListener('click', () => {
      const open = this.noticeToggle.getAttribute('aria-expanded') !== 'true';
      writeNoticesOpen(open);
      this.setNoticesOpen(open);
    });
    this.list = el('ol', { class: 'messages' });
    this.typing = this.text(el('p', { class: 'typing', hidden: '' }), (t) => t.typing);
    // Focusable so that keyboard users can scroll back through the conversation.
    this.scroller = el('div', { class: 'scroll', role: 'region', tabindex: '0' }, [this.list, this.typing]);
    this.bind((t) => this.scroller.setAttribute('aria-label', t.conversation));
    this.keepNewestInView();

    this.textarea = el('textarea', { id: 'bw-text', class: 'fr-input', rows: '2', 'aria-describedby': 'bw-hint bw-counter', autocomplete: 'off' });
    this.counter = el('span', { id: 'bw-counter', class: 'counter' });
    this.error = el('p', { class: 'error', role: 'alert' });
    const label = this.text(el('label', { for: 'bw-text', class: 'fr-label' }), (t) => t.messageLabel);
    const hint = this.text(el('p', { id: 'bw-hint', class: 'hint' }), (t) => t.messageHint);
    const sendButton = el('button', { type: 'submit', class: 'fr-btn btn btn--send' }, [
      this.text(el('span'), (t) => t.send),
      el('span', { class: 'icon icon--send', 'aria-hidden': 'true' }),
    ]);
    // The hint, then "Laisser un message" under it (added below): no extra line taken from the conversation.
    const helpColumn = el('div', { class: 'composer__help' }, [hint]);
    this.sendButton = sendButton;
    this.files = new ComposerFiles(
      this.language,
      options.fileLimits ?? { maxBytes: 10 * 1024 * 1024, maxFiles: 5 },
      newClientMessageId,
      (message) => {
        this.error.textContent = message;
      },
    );
    const composer = el('form', { class: 'composer', novalidate: '' }, [
      el('div', { class: 'composer__labels' }, [label, this.counter]),
      this.files.previews,
      this.textarea,
      el('div', { class: 'composer__row' }, [helpColumn, this.files.button, sendButton]),
      this.files.hint,
      this.files.input,
      this.error,
    ]);
    const suggestions = new KnowledgeSuggestions(options.server ?? '', () => this.language, () => this.showEnd(true), () => this.textarea.focus());
    this.suggestions = suggestions;
    this.chatView = el('div', { class: 'view' }, [this.scroller, suggestions.element, composer]);
    // "Laisser un message": offered when no gendarme is on duty, and always under the composer's hint.
    this.contact = new ContactEntry(options.server ?? '', this.language, this.chatView, (open) => {
      // The chat's status speaks of the chat: hidden while the form is open.
      this.statusLine.hidden = open;
      if (!open) this.textarea.focus();
    });
    this.chatView.prepend(this.contact.notice);
    helpColumn.append(this.contact.link);

    this.endHeading = this.text(el('h3', { tabindex: '-1' }), (t) => t.endTitle);
    this.endClosedByAgent = this.text(el('p', { class: 'end__closed', hidden: '' }), (t) => `${t.closedByAgent} ${t.closedByAgentHelp}`);
    this.ratingFeedback = el('p', { class: 'feedback', role: 'status' });
    this.transcriptFeedback = el('p', { class: 'feedback', role: 'status' });
    this.endView = el('div', { class: 'view end', hidden: '' }, [
      this.endHeading,
      this.endClosedByAgent,
      this.text(el('p'), (t) => t.endIntro),
      this.buildRatingForm(),
      this.buildTranscriptActions(),
      this.transcriptFeedback,
      this.buildBackButton(),
    ]);

    this.announcer = el('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'false' });
    this.panel = el(
      'section',
      {
        id: 'bw-panel',
        class: `panel panel--${options.mode}`,
        'aria-labelledby': 'bw-title',
        ...(floating ? { role: 'dialog', 'aria-modal': 'false', hidden: '' } : {}),
      },
      [header, notices, statusBar, this.chatView, this.contact.view, this.endView, this.announcer],
    );
    if (this.launcher) this.root.append(this.launcher);
    this.root.append(this.panel);

    this.launcher?.addEventListener('click', () => this.setOpen(true));
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && floating) {
        event.preventDefault();
        this.setOpen(false);
      }
    });
    languageMenu.addEventListener('change', () => {
      if (isLanguage(languageMenu.value)) this.setLanguage(languageMenu.value);
    });
    exit.addEventListener('click', () => this.quickExit(true));
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.textarea.addEventListener('input', () => {
      this.client.noteTyping();
      this.suggestions.typed(this.textarea.value);
      this.renderCounter();
      if (this.textarea.value.length <= this.client.maxMessageLength && this.error.textContent) this.error.textContent = '';
    });
    this.endLink.addEventListener('click', () => this.showEnd(true));
    // A quick exit in another tab of this device erases this one too.
    window.addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY && event.newValue === null) this.quickExit(false);
    });

    client.onChange(() => this.render());
    client.onIncoming((message) => this.announce(message));
    this.setLanguage(this.language, false);
    if (floating && readStored().open) this.setOpen(true, false);
    void this.showStateBrand(options.server ?? '');
  }

  /** The brand block follows the platform's setting (GET /api/interface); without an answer it stays hidden. */
  private async showStateBrand(server: string): Promise<void> {
    try {
      const response = await fetch(`${server}/api/interface`);
      if (!response.ok) return;
      const settings = (await response.json()) as { stateBrand?: unknown };
      this.brand.hidden = settings.stateBrand !== true;
    } catch {
      // An older platform or a blocked request: the neutral header is right for any deployer.
    }
  }

  private setNoticesOpen(open: boolean): void {
    this.noticeToggle.setAttribute('aria-expanded', String(open));
    this.notice.hidden = !open;
  }

  /** Opens or closes the floating panel; focus goes into it, and back to the launcher when it closes. */
  setOpen(open: boolean, moveFocus = true): void {
    if (!this.launcher) return;
    this.panel.hidden = !open;
    this.launcher.hidden = open;
    this.launcher.setAttribute('aria-expanded', String(open));
    writeStored({ open });
    if (!moveFocus) return;
    if (open) this.focusCurrentView();
    else this.launcher.focus();
  }

  private setLanguage(language: Language, persist = true): void {
    this.language = language;
    this.panel.setAttribute('lang', language);
    this.launcher?.setAttribute('lang', language);
    if (persist) writeStored({ language });
    this.client.setLanguage(language);
    this.contact.setLanguage(language);
    this.files.setLanguage(language);
    const texts = TEXTS[language];
    this.setters.forEach((set) => set(texts));
    this.render();
  }

  private get t(): Texts {
    return TEXTS[this.language];
  }

  private bind(setter: Setter): void {
    this.setters.push(setter);
  }

  private text<E extends HTMLElement>(element: E, pick: (texts: Texts) => string): E {
    this.bind((texts) => {
      element.textContent = pick(texts);
    });
    return element;
  }

  private submit(): void {
    const text = this.textarea.value.trim();
    if (this.files.chosen.length > 0) {
      void this.submitWithFiles(text);
      return;
    }
    if (!text) {
      this.error.textContent = this.t.empty;
      return;
    }
    if (text.length > this.client.maxMessageLength) {
      this.error.textContent = this.t.tooLong(this.client.maxMessageLength);
      return;
    }
    this.error.textContent = '';
    this.client.send(text);
    this.suggestions.sent(text);
    this.textarea.value = '';
    this.renderCounter();
    this.textarea.focus();
  }

  /** A message with files: sent over HTTP; a refusal is shown in the citizen's language and the composer kept. */
  private async submitWithFiles(text: string): Promise<void> {
    if (text.length > this.client.maxMessageLength) {
      this.error.textContent = this.t.tooLong(this.client.maxMessageLength);
      return;
    }
    if (this.sendButton.disabled) return;
    this.error.textContent = '';
    this.sendButton.disabled = true;
    try {
      const refusal = await this.client.sendFiles(text, this.files.chosen, this.files.messageId());
      if (refusal) {
        this.error.textContent = this.files.refusalText(refusal);
        return;
      }
      this.files.clear();
      this.suggestions.sent(text);
      this.textarea.value = '';
      this.renderCounter();
      this.textarea.focus();
    } finally {
      this.sendButton.disabled = false;
    }
  }

  /**
   * Quick exit: the page is replaced at once by a neutral site (the back button does not return here), the
   * widget's storage is erased, and the server is told when this tab is the one that left.
   */
  private quickExit(tellServer: boolean): void {
    // The server is told first: it needs the token that is about to be erased.
    if (tellServer) this.client.leave();
    else this.client.close();
    eraseStored();
    this.host.remove();
    window.location.replace(this.options.exitUrl);
  }

  private render(): void {
    const { state } = this.client;
    // Unfolded until the conversation starts (the first read), then one line, unless the citizen chose otherwise.
    this.setNoticesOpen(readNoticesOpen() ?? state.messages.length === 0);
    this.endLink.hidden = state.messages.length === 0 || !this.endView.hidden;
    this.contact.setAnswered(state.status?.state === 'assigned');
    this.renderMessages(state.messages);
    this.typing.hidden = !state.agentTyping;
    this.renderStatus();
    this.renderCounter();
    const stateName = state.status?.state;
    this.endClosedByAgent.hidden = !(stateName === 'closed' && state.status?.closedBy === 'agent');
    // Closed while the citizen was here (not an old conversation found closed on return): rating and transcript.
    if (stateName === 'closed' && (this.lastState === 'assigned' || this.lastState === 'waiting')) this.showEnd(true);
    this.lastState = stateName ?? 'none';
  }

  private renderStatus(): void {
    const { state } = this.client;
    const t = this.t;
    const lines: string[] = [];
    let alert = false;
    if (state.connection === 'refused') {
      lines.push(t.refused);
      alert = true;
    } else if (state.connection === 'offline') {
      lines.push(t.offline);
      alert = true;
    } else if (state.connection === 'connecting') {
      lines.push(t.connecting);
    } else if (state.status?.state === 'assigned') {
      lines.push(t.assigned(state.status.agentName));
    } else if (state.status?.state === 'closed') {
      lines.push(state.status.closedBy === 'agent' ? t.closedByAgent : t.closed, t.writeAgain);
    } else if (state.status?.state === 'waiting' || state.messages.some((m) => m.author === 'citizen')) {
      lines.push(t.waiting);
      const position = state.status?.queuePosition;
      const wait = state.status?.estimatedWaitSeconds;
      if (typeof position === 'number' && position > 0) lines.push(t.queuePosition(position));
      if (typeof wait === 'number' && wait >= 0) lines.push(t.estimatedWait(Math.max(1, Math.round(wait / 60))));
    } else {
      lines.push(t.ready);
    }
    const text = lines.join(' ');
    if (this.statusLine.textContent !== text) this.statusLine.textContent = text;
    this.statusLine.classList.toggle('status--alert', alert);
  }

  private renderMessages(messages: ChatMessage[]): void {
    const t = this.t;
    const locale = LOCALES[this.language];
    const items = messages.map((message) => {
      const author =
        message.author === 'citizen' ? t.you : message.author === 'agent' ? message.authorName || t.gendarme : t.system;
      const time = el('time', { datetime: message.at }, [
        new Date(message.at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }),
      ]);
      // Only a message not shown before fades in: the list is rebuilt on every change, and replaying the animation on
      // every message would make the whole conversation flicker (and read faint while it runs).
      const fresh = !this.shownKeys.has(message.key);
      const item = el('li', { class: `message message--${message.author}${fresh ? ' message--new' : ''}`, 'data-key': message.key }, [
        el('p', { class: 'message__meta' }, [el('span', { class: 'message__author' }, [author]), ' ', time]),
        el('p', { class: 'message__text' }, [message.text]),
      ]);
      if (message.fileNames?.length) {
        const files = el('ul', { class: 'message__files' }, message.fileNames.map((name) => el('li', {}, [name])));
        files.setAttribute('aria-label', ATTACHMENT_TEXTS[this.language].sentFiles);
        item.append(files);
      }
      if (message.author === 'citizen' && message.delivery) item.append(this.deliveryLine(message));
      return item;
    });
    this.list.replaceChildren(...items);
    messages.forEach((message) => this.shownKeys.add(message.key));
    if (this.followNewest) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /**
   * A citizen reading the newest messages keeps seeing them when the conversation's box shrinks or grows (the notice
   * unfolds, the status takes another line, the "leave a message" offer appears, a message arrives); one who scrolled
   * back to read stays where they are.
   */
  private keepNewestInView(): void {
    this.scroller.addEventListener('scroll', () => {
      this.followNewest = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
    });
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (this.followNewest) this.scroller.scrollTop = this.scroller.scrollHeight;
    });
    observer.observe(this.scroller);
    observer.observe(this.list);
  }

  private deliveryLine(message: ChatMessage): HTMLElement {
    const t = this.t;
    if (message.delivery !== 'failed') {
      const label = { sending: t.sending, accepted: t.accepted, read: t.read }[message.delivery!];
      return el('p', { class: 'message__delivery', 'data-delivery': message.delivery! }, [label]);
    }
    const reason = message.failure === 'rate-limited' ? t.rateLimited : message.failure === 'too-long' ? t.tooLong(this.client.maxMessageLength) : t.sendFailed;
    const retry = el('button', { type: 'button', class: 'fr-btn fr-btn--secondary fr-btn--sm btn' }, [t.retry]);
    retry.addEventListener('click', () => this.client.retry(message.key));
    return el('p', { class: 'message__delivery message__delivery--failed', 'data-delivery': 'failed' }, [
      `${t.failed}. ${reason} `,
      retry,
    ]);
  }

  private renderCounter(): void {
    const used = this.textarea.value.length;
    const max = this.client.maxMessageLength;
    this.counter.textContent = this.t.counter(used, max);
    this.counter.classList.toggle('counter--over', used > max);
    this.textarea.setAttribute('aria-invalid', String(used > max));
    if (used > max) this.error.textContent = this.t.tooLong(max);
  }

  /** Screen readers hear the gendarme's new messages without leaving the text box. */
  private announce(message: ChatMessage): void {
    const name = message.authorName || this.t.gendarme;
    this.announcer.append(el('p', {}, [`${this.t.newMessageFrom(name)} ${message.text}`]));
    while (this.announcer.childElementCount > 5) this.announcer.firstElementChild?.remove();
  }

  private focusCurrentView(): void {
    if (this.endView.hidden) this.textarea.focus();
    else this.endHeading.focus();
  }

  private showEnd(show: boolean): void {
    this.endView.hidden = !show;
    this.chatView.hidden = show;
    this.endLink.hidden = show || this.client.state.messages.length === 0;
    if (!this.panel.hidden) this.focusCurrentView();
  }

  private buildRatingForm(): HTMLFormElement {
    const legend = this.text(el('legend'), (t) => t.ratingLegend);
    const fieldset = el('fieldset', {}, [legend]);
    for (let value = 1; value <= 5; value += 1) {
      const input = el('input', { type: 'radio', name: 'bw-rating', id: `bw-rating-${value}`, value: String(value) });
      const label = this.text(el('label', { for: `bw-rating-${value}` }), (t) => t.ratingValue(value));
      fieldset.append(el('div', { class: 'rating__option' }, [input, label]));
    }
    const submit = this.text(el('button', { type: 'submit', class: 'fr-btn btn' }), (t) => t.rate);
    const form = el('form', { class: 'rating' }, [fieldset, submit, this.ratingFeedback]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = form.querySelector<HTMLInputElement>('input[name="bw-rating"]:checked');
      if (!chosen) {
        this.ratingFeedback.textContent = this.t.ratingMissing;
        return;
      }
      void this.client.rate(Number(chosen.value)).then((ok) => {
        this.ratingFeedback.textContent = ok ? this.t.rated : this.t.rateFailed;
      });
    });
    return form;
  }

  private buildTranscriptActions(): HTMLElement {
    const download = this.text(el('button', { type: 'button', class: 'fr-btn fr-btn--secondary btn' }), (t) => t.transcriptDownload);
    const copy = this.text(el('button', { type: 'button', class: 'fr-btn fr-btn--secondary btn' }), (t) => t.transcriptCopy);
    download.addEventListener('click', () => {
      const day = new Date().toISOString().slice(0, 10);
      downloadText(`${this.t.transcriptFile}-${day}.txt`, this.transcript());
    });
    copy.addEventListener('click', () => {
      const done = (ok: boolean) => {
        this.transcriptFeedback.textContent = ok ? this.t.copied : this.t.copyFailed;
      };
      if (!navigator.clipboard) return done(false);
      navigator.clipboard.writeText(this.transcript()).then(
        () => done(true),
        () => done(false),
      );
    });
    return el('div', { class: 'end__actions' }, [download, copy]);
  }

  private buildBackButton(): HTMLElement {
    const back = this.text(el('button', { type: 'button', class: 'link-button' }), (t) => t.backToChat);
    back.addEventListener('click', () => this.showEnd(false));
    return back;
  }

  transcript(): string {
    return buildTranscript(this.client.state.messages, this.t, this.language);
  }
}

/** The DSFR icons the widget draws; the build copies these files (WIDGET_ICONS in apps/widget/vite.config.mts). */
const ICONS: Record<string, string> = {
  chat: 'communication/chat-3-line.svg',
  close: 'system/close-line.svg',
  exit: 'system/logout-box-r-line.svg',
  send: 'business/send-plane-fill.svg',
  chevron: 'arrows/arrow-down-s-line.svg',
};

/**
 * The DSFR styles go into the shadow root; the Marianne @font-face rules go into the page once, because browsers
 * ignore @font-face inside a shadow root. Both come from the platform itself, never from a CDN.
 */
function loadDesignSystem(root: ShadowRoot, assetBase: string): void {
  root.append(el('link', { rel: 'stylesheet', href: new URL('dsfr/widget.css', assetBase).href }));
  const icons = Object.entries(ICONS).map(([name, file]) => `.icon--${name}{--icon:url("${new URL(`dsfr/icons/${file}`, assetBase).href}")}`);
  root.append(el('style', {}, [icons.join('\n')]));
  if (!document.getElementById('brigade-widget-fonts')) {
    document.head.append(el('link', { id: 'brigade-widget-fonts', rel: 'stylesheet', href: new URL('dsfr/fonts.css', assetBase).href }));
  }
}
