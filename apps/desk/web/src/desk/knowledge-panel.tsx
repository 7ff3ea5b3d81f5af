// Beside a conversation: the knowledge-base articles matching the citizen's last messages, a search box, and
// Alt+1 / Alt+2 / Alt+3 to insert an article's answer (plain text, links written out) into the reply box.
import { useEffect, useState } from 'react';
import * as api from '../api';

interface DeskArticle {
  articleKey: string;
  language: string;
  question: string;
  text: string;
}

const TEXTS = {
  heading: 'Base de connaissances',
  search: 'Rechercher un article',
  none: 'Aucun article ne correspond.',
  insert: (index: number) => `Insérer (Alt+${index})`,
  help: 'Alt+1, Alt+2 ou Alt+3 insère la réponse dans le message, dans la langue de la conversation si elle est traduite.',
};

export function KnowledgePanel({
  conversationId,
  channel,
  citizenMessages,
  onInsert,
}: {
  conversationId: string;
  channel: string;
  /** How many citizen messages the conversation has: new ones refresh the matching articles. */
  citizenMessages: number;
  onInsert: (text: string) => void;
}) {
  const [language, setLanguage] = useState('fr');
  const [matching, setMatching] = useState<DeskArticle[]>([]);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<DeskArticle[] | null>(null);

  useEffect(() => {
    let current = true;
    api
      .get<{ language: string; articles: DeskArticle[] }>(`/api/desk/knowledge/conversations/${conversationId}`)
      .then((answer) => {
        if (!current) return;
        setLanguage(answer.language);
        setMatching(answer.articles);
      })
      .catch(() => current && setMatching([]));
    return () => {
      current = false;
    };
  }, [conversationId, citizenMessages]);

  useEffect(() => {
    const words = query.trim();
    if (words.length < 2) {
      setFound(null);
      return;
    }
    let current = true;
    const pause = setTimeout(() => {
      api
        .get<DeskArticle[]>(`/api/desk/knowledge/search?${new URLSearchParams({ q: words, language })}`)
        .then((articles) => current && setFound(articles.slice(0, 3)))
        .catch(() => current && setFound([]));
    }, 250);
    return () => {
      current = false;
      clearTimeout(pause);
    };
  }, [query, language]);

  const shown = found ?? matching;

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const index = ['1', '2', '3'].indexOf(event.key) >= 0 ? Number(event.key) : ['Digit1', 'Digit2', 'Digit3'].indexOf(event.code) + 1;
      const article = index > 0 ? shown[index - 1] : undefined;
      if (!article) return;
      event.preventDefault();
      insert(article);
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  function insert(article: DeskArticle) {
    onInsert(article.text);
    void api.post('/api/desk/knowledge/inserted', { articleKey: article.articleKey, language: article.language, channel }).catch(() => undefined);
  }

  return (
    <section className="knowledge-panel" aria-labelledby="knowledge-heading" data-testid="knowledge-panel">
      <h3 id="knowledge-heading">{TEXTS.heading}</h3>
      <label htmlFor="knowledge-search">{TEXTS.search}</label>
      <input id="knowledge-search" type="search" value={query} onChange={(event) => setQuery(event.target.value)} autoComplete="off" />
      <p className="help">{TEXTS.help}</p>
      {shown.length === 0 ? (
        <p>{TEXTS.none}</p>
      ) : (
        <ol>
          {shown.slice(0, 3).map((article, index) => (
            <li key={article.articleKey}>
              <span lang={article.language}>{article.question}</span>{' '}
              <button type="button" onClick={() => insert(article)}>
                {TEXTS.insert(index + 1)}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
