/**
 * Articles of the knowledge base offered while the citizen types and waits ("Ces réponses peuvent vous aider"), and
 * an article opened inside the widget. Every text is set with textContent; links are https only. Reading an article
 * never touches the conversation: the citizen keeps their place in the queue.
 */

import type { Language } from './i18n';

interface Suggestion {
  articleKey: string;
  language: string;
  question: string;
}

interface Article extends Suggestion {
  answer: string;
  sources: { title: string; url: string }[];
}

const TEXTS: Record<Language, Record<'heading' | 'back' | 'sources' | 'solved' | 'gendarme' | 'solvedThanks' | 'end' | 'keepPlace', string>> = {
  fr: {
    heading: 'Ces réponses peuvent vous aider',
    back: 'Retour aux suggestions',
    sources: 'Source officielle :',
    solved: 'Cela répond à ma question',
    gendarme: 'Je veux parler à un gendarme',
    solvedThanks: 'Tant mieux ! Vous pouvez terminer la conversation, ou écrire si vous avez une autre question.',
    end: 'Terminer la conversation',
    keepPlace: 'Écrivez votre message : un gendarme va vous répondre. Votre place dans la file d’attente est conservée.',
  },
  en: {
    heading: 'These answers may help you',
    back: 'Back to the suggestions',
    sources: 'Official source:',
    solved: 'This answers my question',
    gendarme: 'I want to talk to a gendarme',
    solvedThanks: 'Good! You can end the conversation, or write if you have another question.',
    end: 'End the conversation',
    keepPlace: 'Write your message: a gendarme will answer you. Your place in the queue is kept.',
  },
  de: {
    heading: 'Diese Antworten können Ihnen helfen',
    back: 'Zurück zu den Vorschlägen',
    sources: 'Offizielle Quelle:',
    solved: 'Das beantwortet meine Frage',
    gendarme: 'Ich möchte mit einem Gendarm sprechen',
    solvedThanks: 'Sehr gut! Sie können das Gespräch beenden oder schreiben, wenn Sie eine weitere Frage haben.',
    end: 'Gespräch beenden',
    keepPlace: 'Schreiben Sie Ihre Nachricht: Ein Gendarm wird Ihnen antworten. Ihr Platz in der Warteschlange bleibt erhalten.',
  },
  it: {
    heading: 'Queste risposte possono aiutarla',
    back: 'Torna ai suggerimenti',
    sources: 'Fonte ufficiale:',
    solved: 'Questo risponde alla mia domanda',
    gendarme: 'Voglio parlare con un gendarme',
    solvedThanks: 'Bene! Può terminare la conversazione, o scrivere se ha un’altra domanda.',
    end: 'Termina la conversazione',
    keepPlace: 'Scriva il suo messaggio: un gendarme le risponderà. Il suo posto nella coda è mantenuto.',
  },
  es: {
    heading: 'Estas respuestas pueden ayudarle',
    back: 'Volver a las sugerencias',
    sources: 'Fuente oficial:',
    solved: 'Esto responde a mi pregunta',
    gendarme: 'Quiero hablar con un gendarme',
    solvedThanks: '¡Muy bien! Puede terminar la conversación, o escribir si tiene otra pregunta.',
    end: 'Terminar la conversación',
    keepPlace: 'Escriba su mensaje: un gendarme le responderá. Se mantiene su lugar en la cola.',
  },
};

export const KNOWLEDGE_STYLES = `
.kb { border-top: 1px solid var(--bw-border); padding: 8px 12px; max-height: 45%; overflow-y: auto; }
.kb[hidden] { display: none; }
.kb h3 { font-size: 0.95rem; margin: 0 0 6px; }
.kb ul.kb__list { list-style: none; margin: 0; padding: 0; }
.kb ul.kb__list li { margin: 0 0 4px; }
.kb .kb__suggestion { background: none; border: 1px solid var(--bw-link); color: var(--bw-link); border-radius: 4px; padding: 6px 8px; text-align: left; width: 100%; cursor: pointer; font: inherit; }
.kb .kb__actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.kb .kb__note { font-size: 0.9rem; }
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

/** Inline parts of the limited Markdown: text, **strong**, [text](https://...) links. */
function inline(text: string): Node[] {
  const nodes: Node[] = [];
  const pattern = /\[([^\]\n]{1,200})\]\((https:\/\/[^\s)]{1,500})\)|\*\*([^*\n]{1,200})\*\*/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) nodes.push(document.createTextNode(text.slice(last, index)));
    if (match[3] !== undefined) nodes.push(el('strong', {}, [match[3]]));
    else nodes.push(el('a', { href: match[2], target: '_blank', rel: 'noopener noreferrer' }, [match[1]]));
    last = index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/** The answer's paragraphs and lists as DOM nodes. */
function renderAnswer(answer: string): Node[] {
  return answer
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((chunk) => chunk.split('\n').map((line) => line.trim()).filter(Boolean))
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      if (lines.every((line) => /^- /.test(line))) return el('ul', {}, lines.map((line) => el('li', {}, inline(line.slice(2)))));
      if (lines.every((line) => /^\d{1,2}\. /.test(line))) return el('ol', {}, lines.map((line) => el('li', {}, inline(line.replace(/^\d{1,2}\. /, '')))));
      return el('p', {}, inline(lines.join(' ')));
    });
}

export class KnowledgeSuggestions {
  readonly element: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastQuery = '';
  private request = 0;

  constructor(
    private readonly server: string,
    private readonly language: () => Language,
    /** The widget's own end of conversation (rating, transcript). */
    private readonly endConversation: () => void,
    /** Back to the message box. */
    private readonly focusComposer: () => void,
  ) {
    this.element = el('section', { class: 'kb', hidden: '', 'aria-live': 'polite' });
  }

  private get t() {
    return TEXTS[this.language()];
  }

  /** While the citizen types: suggestions for the words so far, after a short pause. */
  typed(text: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.suggest(text, false), 350);
  }

  /** The citizen sent a message: suggestions for it while they wait (a search without result is counted). */
  sent(text: string): void {
    clearTimeout(this.timer);
    void this.suggest(text, true);
  }

  private async suggest(text: string, final: boolean): Promise<void> {
    const query = text.trim();
    if (query.length < 8 || (query === this.lastQuery && !final)) return;
    this.lastQuery = query;
    const request = ++this.request;
    try {
      const response = await fetch(`${this.server}/api/knowledge/suggestions?${new URLSearchParams({ q: query, language: this.language(), final: String(final) })}`);
      if (!response.ok || request !== this.request) return;
      this.showList((await response.json()) as Suggestion[]);
    } catch {
      // Suggestions help; without them the chat works as before.
    }
  }

  private showList(suggestions: Suggestion[]): void {
    if (suggestions.length === 0) {
      this.element.hidden = true;
      return;
    }
    const list = el(
      'ul',
      { class: 'kb__list' },
      suggestions.slice(0, 3).map((suggestion) => {
        const button = el('button', { type: 'button', class: 'kb__suggestion', lang: suggestion.language }, [suggestion.question]);
        button.addEventListener('click', () => void this.open(suggestion, suggestions));
        return el('li', {}, [button]);
      }),
    );
    this.element.replaceChildren(el('h3', {}, [this.t.heading]), list);
    this.element.hidden = false;
  }

  private async open(suggestion: Suggestion, all: Suggestion[]): Promise<void> {
    const response = await fetch(`${this.server}/api/knowledge/articles/${encodeURIComponent(suggestion.articleKey)}?language=${this.language()}`);
    if (!response.ok) return;
    const article = (await response.json()) as Article;
    const heading = el('h3', { tabindex: '-1', lang: article.language }, [article.question]);
    const body = el('div', { class: 'kb__answer', lang: article.language }, renderAnswer(article.answer));
    const sources = el('p', { class: 'kb__note' }, [
      `${this.t.sources} `,
      ...article.sources.filter((source) => source.url.startsWith('https://')).flatMap((source, index) => [
        ...(index > 0 ? [' · '] : []),
        el('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer' }, [source.title]),
      ]),
    ]);
    const solved = el('button', { type: 'button', class: 'btn btn--small' }, [this.t.solved]);
    const gendarme = el('button', { type: 'button', class: 'btn btn--secondary btn--small' }, [this.t.gendarme]);
    const back = el('button', { type: 'button', class: 'link-button' }, [this.t.back]);
    solved.addEventListener('click', () => void this.solved(article));
    gendarme.addEventListener('click', () => {
      this.element.replaceChildren(el('p', { class: 'kb__note' }, [this.t.keepPlace]));
      this.focusComposer();
    });
    back.addEventListener('click', () => this.showList(all));
    this.element.replaceChildren(heading, body, sources, el('div', { class: 'kb__actions' }, [solved, gendarme, back]));
    this.element.hidden = false;
    heading.focus();
  }

  private async solved(article: Article): Promise<void> {
    await fetch(`${this.server}/api/knowledge/articles/${encodeURIComponent(article.articleKey)}/solved?language=${article.language}`, { method: 'POST' }).catch(() => undefined);
    const end = el('button', { type: 'button', class: 'btn btn--small' }, [this.t.end]);
    end.addEventListener('click', () => this.endConversation());
    this.element.replaceChildren(el('p', { class: 'kb__note' }, [this.t.solvedThanks]), el('div', { class: 'kb__actions' }, [end]));
  }
}
