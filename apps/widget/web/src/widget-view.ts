/**
 * The widget's screen, in a shadow root: launcher button (floating mode), chat panel, end screen. Every text from the
 * conversation is set with textContent, never parsed as HTML.
 */
import type { ChatClient, ChatMessage } from './chat-client';
import { CONTACT_STYLES } from './contact-form';
import { ContactEntry } from './contact-entry';
import { LANGUAGE_NAMES, LANGUAGES, Language, TEXTS, Texts, isLanguage } from './i18n';
import { KNOWLEDGE_STYLES, KnowledgeSuggestions } from './knowledge-suggestions';
import { eraseStored, readStored, STORAGE_KEY, writeStored } from './storage';
import styles from './styles.css?inline';
import { buildTranscript, downloadText } from './transcript';

export interface WidgetOptions {
  mode: 'floating' | 'page';
  exitUrl: string;
  privacyUrl?: string;
  language: Language;
  /** The platform's address, for the knowledge-base suggestions. */
  server?: string;
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
  private readonly suggestions: KnowledgeSuggestions;
  private readonly contact: ContactEntry;

  constructor(
    private readonly host: HTMLElement,
    private readonly client: ChatClient,
    private readonly options: WidgetOptions,
  ) {
    this.language = options.language;
    this.root = host.attachShadow({ mode: 'open' });
    this.root.append(el('style', {}, [styles + KNOWLEDGE_STYLES + CONTACT_STYLES]));
    const floating = options.mode === 'floating';

    this.launcher = floating
      ? this.text(el('button', { type: 'button', class: 'btn launcher', 'aria-expanded': 'false', 'aria-controls': 'bw-panel' }), (t) => t.launcher)
      : null;

    const title = this.text(el('h2', { id: 'bw-title', class: 'title' }), (t) => t.title);
    const subtitle = this.text(el('p', { class: 'subtitle' }), (t) => t.subtitle);
    // Each language named in itself, so that a citizen who reads no French still finds theirs.
    const languageMenu = el(
      'select',
      { class: 'language', 'data-testid': 'language' },
      LANGUAGES.map((language) => el('option', { value: language, lang: language }, [LANGUAGE_NAMES[language]])),
    );
    this.bind((t) => {
      languageMenu.value = this.language;
      languageMenu.setAttribute('aria-label', t.languageLabel);
    });
    const tools = el('div', { class: 'header__tools' }, [languageMenu]);
    if (floating) {
      const close = el('button', { type: 'button', class: 'btn btn--secondary btn--small' }, ['✕']);
      this.bind((t) => close.setAttribute('aria-label', t.close));
      close.addEventListener('click', () => this.setOpen(false));
      tools.append(close);
    }
    const exit = this.text(el('button', { type: 'button', class: 'btn btn--exit', 'data-quick-exit': '' }), (t) => t.quickExit);
    this.bind((t) => exit.setAttribute('aria-label', t.quickExitLabel));
    const header = el('div', { class: 'header' }, [el('div', { class: 'header__titles' }, [title, subtitle]), tools, exit]);

    const emergency = this.text(el('p', { class: 'emergency' }), (t) => t.emergency);
    this.statusLine = el('p', { class: 'status', role: 'status' });

    const noticeTitle = this.text(el('h3', { id: 'bw-notice-title' }), (t) => t.noticeTitle);
    const noticeChildren: Node[] = [
      noticeTitle,
      this.text(el('p'), (t) => t.noticeEmergency),
      this.text(el('p'), (t) => t.noticeData),
    ];
    if (options.privacyUrl) {
      noticeChildren.push(
        el('p', {}, [this.text(el('a', { href: options.privacyUrl, target: '_blank', rel: 'noopener' }), (t) => t.privacyLink)]),
      );
    }
    this.notice = el('section', { class: 'notice', 'aria-labelledby': 'bw-notice-title' }, noticeChildren);
    this.list = el('ol', { class: 'messages' });
    this.typing = this.text(el('p', { class: 'typing', hidden: '' }), (t) => t.typing);
    // Focusable so that keyboard users can scroll back through the conversation.
    this.scroller = el('div', { class: 'scroll', role: 'region', tabindex: '0' }, [this.notice, this.list, this.typing]);
    this.bind((t) => this.scroller.setAttribute('aria-label', t.conversation));

    this.textarea = el('textarea', { id: 'bw-text', rows: '3', 'aria-describedby': 'bw-hint bw-counter', autocomplete: 'off' });
    this.counter = el('span', { id: 'bw-counter', class: 'counter' });
    this.error = el('p', { class: 'error', role: 'alert' });
    const label = this.text(el('label', { for: 'bw-text' }), (t) => t.messageLabel);
    const hint = this.text(el('p', { id: 'bw-hint', class: 'hint' }), (t) => t.messageHint);
    const sendButton = this.text(el('button', { type: 'submit', class: 'btn' }), (t) => t.send);
    const composer = el('form', { class: 'composer', novalidate: '' }, [
      label,
      hint,
      this.textarea,
      el('div', { class: 'composer__row' }, [this.counter, sendButton]),
      this.error,
    ]);
    const endLink = this.text(el('button', { type: 'button', class: 'link-button' }), (t) => t.end);
    const suggestions = new KnowledgeSuggestions(options.server ?? '', () => this.language, () => this.showEnd(true), () => this.textarea.focus());
    this.suggestions = suggestions;
    this.chatView = el('div', { class: 'view' }, [this.scroller, suggestions.element, composer]);
    // "Laisser un message": offered when no gendarme is on duty, and always from the footer.
    this.contact = new ContactEntry(options.server ?? '', this.language, this.chatView, (open) => {
      // The chat's status speaks of the chat: hidden while the form is open.
      this.statusLine.hidden = open;
      if (!open) this.textarea.focus();
    });
    this.chatView.prepend(this.contact.notice);
    this.chatView.append(el('div', { class: 'footer' }, [endLink, el('br'), this.contact.link]));

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
      [header, emergency, this.statusLine, this.chatView, this.contact.view, this.endView, this.announcer],
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
    endLink.addEventListener('click', () => this.showEnd(true));
    // A quick exit in another tab of this device erases this one too.
    window.addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY && event.newValue === null) this.quickExit(false);
    });

    client.onChange(() => this.render());
    client.onIncoming((message) => this.announce(message));
    this.setLanguage(this.language, false);
    if (floating && readStored().open) this.setOpen(true, false);
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
    this.notice.hidden = state.messages.length > 0;
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
    const nearBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
    const t = this.t;
    const locale = this.language === 'fr' ? 'fr-FR' : 'en-GB';
    const items = messages.map((message) => {
      const author =
        message.author === 'citizen' ? t.you : message.author === 'agent' ? message.authorName || t.gendarme : t.system;
      const time = el('time', { datetime: message.at }, [
        new Date(message.at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }),
      ]);
      const item = el('li', { class: `message message--${message.author}`, 'data-key': message.key }, [
        el('p', { class: 'message__meta' }, [el('span', { class: 'message__author' }, [author]), ' ', time]),
        el('p', { class: 'message__text' }, [message.text]),
      ]);
      if (message.author === 'citizen' && message.delivery) item.append(this.deliveryLine(message));
      return item;
    });
    this.list.replaceChildren(...items);
    if (nearBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private deliveryLine(message: ChatMessage): HTMLElement {
    const t = this.t;
    if (message.delivery !== 'failed') {
      const label = { sending: t.sending, accepted: t.accepted, read: t.read }[message.delivery!];
      return el('p', { class: 'message__delivery', 'data-delivery': message.delivery! }, [label]);
    }
    const reason = message.failure === 'rate-limited' ? t.rateLimited : message.failure === 'too-long' ? t.tooLong(this.client.maxMessageLength) : t.sendFailed;
    const retry = el('button', { type: 'button', class: 'btn btn--secondary btn--small' }, [t.retry]);
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
    const submit = this.text(el('button', { type: 'submit', class: 'btn' }), (t) => t.rate);
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
    const download = this.text(el('button', { type: 'button', class: 'btn btn--secondary' }), (t) => t.transcriptDownload);
    const copy = this.text(el('button', { type: 'button', class: 'btn btn--secondary' }), (t) => t.transcriptCopy);
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
