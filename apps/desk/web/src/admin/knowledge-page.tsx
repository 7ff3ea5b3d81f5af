// The knowledge base for its writers (administrators and editors): the articles with filters, search, sorting and
// paging; the editor with a live preview of the limited Markdown; version history with view and restore; import with
// a dry run listing every bad line; export. Editors (agents given the permission) are managed here by administrators.
import { useCallback, useEffect, useMemo, useState } from 'react';
import * as api from '../api';
import type { DeskQueueView } from '../contract';
import { useLanguage } from '../i18n';
import { answerProblems, parseAnswer, parseInline } from '../../../../../libs/knowledge-base/src/markdown';
import { useAdminLabels } from './admin-labels';
import { DataTable, Field, ImportReport, TableColumn, downloadCsv, formatDay, formatInstant, useFeedback } from './admin-kit';
import { ImportReportView } from './csv-import';

const LANGUAGES = ['fr', 'en', 'de', 'it', 'es'] as const;
const STATUSES = ['draft', 'published', 'archived'] as const;
type Status = (typeof STATUSES)[number];

interface Source {
  title: string;
  url: string;
}

export interface ArticleView {
  id: string;
  articleKey: string;
  language: string;
  question: string;
  phrasings: string[];
  answer: string;
  queue: string | null;
  sources: Source[];
  status: Status;
  ownerAgentId: string | null;
  reviewedAt: string | null;
  reviewEveryDays: number;
  version: number;
  updatedAt: string;
}

interface VersionView {
  id: string;
  version: number;
  change: string;
  changedBy: string | null;
  createdAt: string;
  snapshot: Omit<ArticleView, 'id' | 'version' | 'updatedAt'>;
}

const fr = {
  intro: 'Les articles que les citoyens lisent dans le widget, que l’assistant répond sur chaque canal et que les gendarmes insèrent depuis le guichet. Seuls les articles publiés sont visibles.',
  newArticle: 'Nouvel article',
  question: 'Question',
  key: 'Clé',
  keyHint: 'Commune aux traductions d’un article : minuscules, chiffres et « - » (ex. procuration-vote).',
  language: 'Langue',
  languages: { fr: 'Français', en: 'Anglais', de: 'Allemand', it: 'Italien', es: 'Espagnol' } as Record<string, string>,
  topic: 'Thème (file)',
  noTopic: 'Aucun thème',
  status: 'Statut',
  statuses: { draft: 'Brouillon', published: 'Publié', archived: 'Archivé' } as Record<string, string>,
  reviewDue: 'À relire',
  reviewDueOnly: 'À relire seulement',
  reviewed: 'Relu le',
  version: 'Version',
  owner: 'Propriétaire',
  edit: 'Modifier',
  all: 'Tous',
  allLanguages: 'Toutes',
  search: 'Rechercher (question ou clé)',
  exportCsv: 'Exporter en CSV',
  exportMarkdown: 'Exporter en Markdown',
  phrasings: 'Autres formulations (une par ligne)',
  phrasingsHint: 'Comment les citoyens posent la même question : elles servent à la recherche.',
  answer: 'Réponse',
  answerHint: 'Markdown limité : paragraphes (ligne vide), listes « - » ou « 1. », **gras**, liens [texte](https://…). Ni HTML ni titres.',
  preview: 'Aperçu',
  previewEmpty: 'L’aperçu de la réponse s’affiche ici.',
  sources: 'Sources officielles',
  sourcesHint: 'Un article publié cite au moins une page officielle (https).',
  sourceTitle: 'Titre de la page',
  sourceUrl: 'Adresse (https://…)',
  addSource: 'Ajouter une source',
  removeSource: (index: number) => `Retirer la source ${index}`,
  reviewEvery: 'Rappel de relecture (jours)',
  markReviewed: 'Marquer comme relu aujourd’hui',
  lastReview: (date: string) => `Dernière relecture : ${date}`,
  save: 'Enregistrer',
  create: 'Créer l’article',
  close: 'Fermer',
  saved: 'Article enregistré.',
  created: 'Article créé.',
  versions: 'Historique des versions',
  change: 'Modification',
  changes: { create: 'Création', update: 'Modification', restore: 'Restauration', import: 'Import', status: 'Statut' } as Record<string, string>,
  by: 'Par',
  at: 'Date',
  view: 'Voir',
  restore: 'Restaurer',
  restored: (version: number) => `Version ${version} restaurée (enregistrée comme nouvelle version).`,
  viewing: (version: number) => `Version ${version}`,
  current: 'actuelle',
  hide: 'Masquer',
  importTitle: 'Importer des articles',
  importHelp: 'CSV (key,language,question,phrasings,answer,queue,status,sources,review_every_days) ou Markdown (articles séparés par « --- »). La vérification liste chaque ligne fautive sans rien écrire ; un fichier avec une erreur n’est jamais importé.',
  format: 'Format',
  file: 'Fichier',
  pasted: 'Ou collez le contenu',
  dryRun: 'Vérifier (sans rien écrire)',
  importNow: 'Importer',
  imported: 'Import effectué.',
  editors: 'Éditeurs',
  editorsHelp: 'Agents autorisés à écrire dans la base de connaissances (les administrateurs le sont toujours).',
  grant: 'Donner le droit',
  revoke: 'Retirer le droit',
  agent: 'Agent',
  noEditor: 'Aucun éditeur.',
  you: 'vous',
  noArticle: 'Aucun article ne correspond.',
};
type KnowledgeLabels = typeof fr;

const en: KnowledgeLabels = {
  ...fr,
  intro: 'The articles citizens read in the widget, the assistant answers with on every channel and gendarmes insert from the desk. Only published articles are visible.',
  newArticle: 'New article',
  key: 'Key',
  keyHint: 'Shared by an article’s translations: lowercase letters, digits and "-" (e.g. procuration-vote).',
  language: 'Language',
  languages: { fr: 'French', en: 'English', de: 'German', it: 'Italian', es: 'Spanish' },
  topic: 'Topic (queue)',
  noTopic: 'No topic',
  status: 'Status',
  statuses: { draft: 'Draft', published: 'Published', archived: 'Archived' },
  reviewDue: 'Review due',
  reviewDueOnly: 'Review due only',
  reviewed: 'Reviewed',
  owner: 'Owner',
  edit: 'Edit',
  all: 'All',
  allLanguages: 'All',
  search: 'Search (question or key)',
  exportCsv: 'Export CSV',
  exportMarkdown: 'Export Markdown',
  phrasings: 'Other phrasings (one per line)',
  phrasingsHint: 'How citizens ask the same question: used by the search.',
  answer: 'Answer',
  answerHint: 'Limited Markdown: paragraphs (blank line), "- " or "1. " lists, **bold**, [text](https://…) links. No HTML, no headings.',
  preview: 'Preview',
  previewEmpty: 'The answer’s preview shows here.',
  sources: 'Official sources',
  sourcesHint: 'A published article names at least one official page (https).',
  sourceTitle: 'Page title',
  sourceUrl: 'Address (https://…)',
  addSource: 'Add a source',
  removeSource: (index: number) => `Remove source ${index}`,
  reviewEvery: 'Review reminder (days)',
  markReviewed: 'Mark as reviewed today',
  lastReview: (date: string) => `Last review: ${date}`,
  save: 'Save',
  create: 'Create article',
  close: 'Close',
  saved: 'Article saved.',
  created: 'Article created.',
  versions: 'Version history',
  change: 'Change',
  changes: { create: 'Created', update: 'Edited', restore: 'Restored', import: 'Import', status: 'Status' },
  by: 'By',
  at: 'Date',
  view: 'View',
  restore: 'Restore',
  restored: (version: number) => `Version ${version} restored (saved as a new version).`,
  viewing: (version: number) => `Version ${version}`,
  current: 'current',
  hide: 'Hide',
  importTitle: 'Import articles',
  importHelp: 'CSV (key,language,question,phrasings,answer,queue,status,sources,review_every_days) or Markdown (articles separated by "---"). The check lists every bad line and writes nothing; a file with an error is never imported.',
  file: 'File',
  pasted: 'Or paste the content',
  dryRun: 'Check (write nothing)',
  importNow: 'Import',
  imported: 'Imported.',
  editors: 'Editors',
  editorsHelp: 'Agents allowed to write in the knowledge base (administrators always are).',
  grant: 'Grant',
  revoke: 'Revoke',
  noEditor: 'No editor.',
  you: 'you',
  noArticle: 'No article matches.',
};

function useKnowledgeLabels(): KnowledgeLabels {
  return useLanguage() === 'en' ? en : fr;
}

/** Agent names for owners and authors: the admin list for administrators; others see ids only. */
function useAgentNames(isAdmin: boolean): { names: (id: string | null) => string; agents: { id: string; displayName: string; login: string; role: string }[] } {
  const [agents, setAgents] = useState<{ id: string; displayName: string; login: string; role: string }[]>([]);
  useEffect(() => {
    if (isAdmin) api.get<typeof agents>('/api/admin/agents').then(setAgents, () => setAgents([]));
  }, [isAdmin]);
  const names = useCallback((id: string | null) => (id ? (agents.find((agent) => agent.id === id)?.displayName ?? id.slice(0, 8)) : '—'), [agents]);
  return { names, agents };
}

function isReviewDue(article: Pick<ArticleView, 'reviewedAt' | 'reviewEveryDays'>): boolean {
  if (!article.reviewedAt) return true;
  return Date.parse(article.reviewedAt) + article.reviewEveryDays * 86_400_000 < Date.now();
}

/** The limited Markdown as React elements: text stays text (React escapes it), links only https, nothing as HTML. */
export function AnswerPreview({ answer }: { answer: string }) {
  const inline = (text: string) =>
    parseInline(text).map((part, index) =>
      part.kind === 'strong' ? (
        <strong key={index}>{part.text}</strong>
      ) : part.kind === 'link' ? (
        <a key={index} href={part.url} target="_blank" rel="noopener noreferrer">
          {part.text}
        </a>
      ) : (
        <span key={index}>{part.text}</span>
      ),
    );
  return (
    <>
      {parseAnswer(answer).map((block, index) =>
        block.kind === 'paragraph' ? (
          <p key={index}>{inline(block.text)}</p>
        ) : block.ordered ? (
          <ol key={index}>
            {block.items.map((item, itemIndex) => (
              <li key={itemIndex}>{inline(item)}</li>
            ))}
          </ol>
        ) : (
          <ul key={index}>
            {block.items.map((item, itemIndex) => (
              <li key={itemIndex}>{inline(item)}</li>
            ))}
          </ul>
        ),
      )}
    </>
  );
}

function StatusBadge({ status }: { status: string }) {
  const k = useKnowledgeLabels();
  return <span className={`badge status-${status}`}>{k.statuses[status] ?? status}</span>;
}

export function KnowledgePage({ role }: { role: string }) {
  const l = useAdminLabels();
  const k = useKnowledgeLabels();
  const language = useLanguage();
  const { run, view } = useFeedback();
  const [articles, setArticles] = useState<ArticleView[]>([]);
  const [queues, setQueues] = useState<DeskQueueView[]>([]);
  const [filter, setFilter] = useState({ q: '', language: '', queue: '', status: '', reviewDue: false });
  const [editing, setEditing] = useState<{ id: string | null; session: number } | null>(null);
  const isAdmin = role === 'admin';
  const { names, agents } = useAgentNames(isAdmin);

  const query = useMemo(() => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(filter)) if (value) params.set(name, String(value));
    return params.toString();
  }, [filter]);

  const load = useCallback(() => {
    void run(async () => setArticles(await api.get<ArticleView[]>(`/api/admin/knowledge/articles?${query}`)), undefined, true);
  }, [query]);
  useEffect(() => {
    // Typing in the search box waits for a pause before asking the server.
    const pause = setTimeout(load, 250);
    return () => clearTimeout(pause);
  }, [load]);
  useEffect(() => {
    api.get<DeskQueueView[]>('/api/desk/queues').then(setQueues, () => setQueues([]));
  }, []);

  const queueName = (key: string | null) => {
    if (!key) return '—';
    const queue = queues.find((candidate) => candidate.key === key);
    return queue ? (language === 'en' ? queue.nameEn : queue.nameFr) : key;
  };

  const columns: TableColumn<ArticleView>[] = [
    {
      key: 'question',
      label: k.question,
      sortValue: (article) => article.question,
      render: (article) => (
        <>
          <span className="article-question">{article.question}</span>
          <br />
          <code className="muted">{article.articleKey}</code>
        </>
      ),
      className: 'wide',
    },
    { key: 'language', label: k.language, sortValue: (article) => article.language, render: (article) => k.languages[article.language] ?? article.language },
    { key: 'queue', label: k.topic, sortValue: (article) => queueName(article.queue), render: (article) => queueName(article.queue) },
    { key: 'status', label: k.status, sortValue: (article) => article.status, render: (article) => <StatusBadge status={article.status} /> },
    {
      key: 'reviewed',
      label: k.reviewed,
      sortValue: (article) => article.reviewedAt ?? '',
      render: (article) => (
        <>
          {formatDay(article.reviewedAt, language)}
          {isReviewDue(article) && (
            <>
              {' '}
              <span className="badge due">{k.reviewDue}</span>
            </>
          )}
        </>
      ),
    },
    { key: 'owner', label: k.owner, sortValue: (article) => names(article.ownerAgentId), render: (article) => names(article.ownerAgentId) },
    { key: 'version', label: k.version, sortValue: (article) => article.version, render: (article) => article.version },
    {
      key: 'actions',
      label: <span className="sr-only">{l.actions}</span>,
      render: (article) => (
        <button type="button" onClick={() => setEditing({ id: article.id, session: Date.now() })} aria-label={`${k.edit} : ${article.question} (${article.language})`}>
          {k.edit}
        </button>
      ),
    },
  ];

  return (
    <section aria-labelledby="knowledge-title" className="knowledge-admin">
      <h2 id="knowledge-title">{l.tabs.knowledge}</h2>
      <p className="help">{k.intro}</p>
      {view}
      {editing ? (
        <ArticleEditor
          key={editing.session}
          id={editing.id}
          queues={queues}
          names={names}
          onClose={() => setEditing(null)}
          onSaved={(article) => {
            // Same editor (same session): a created article stays open, with its message and history.
            setEditing((before) => before && { ...before, id: article.id });
            load();
          }}
        />
      ) : (
        <>
          <div className="admin-toolbar">
            <button type="button" onClick={() => setEditing({ id: null, session: Date.now() })}>
              {k.newArticle}
            </button>
            <button type="button" className="secondary" onClick={() => void run(() => downloadCsv(`/api/admin/knowledge/export?format=csv&${query}`, 'brigade-articles.csv'))}>
              {k.exportCsv}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => void run(() => downloadCsv(`/api/admin/knowledge/export?format=markdown&${query}`, 'brigade-articles.md', 'text/markdown;charset=utf-8'))}
            >
              {k.exportMarkdown}
            </button>
          </div>
          <div className="admin-filters" role="search">
            <label>
              {k.search}
              <input type="search" value={filter.q} onChange={(event) => setFilter({ ...filter, q: event.target.value })} />
            </label>
            <label>
              {k.language}
              <select value={filter.language} onChange={(event) => setFilter({ ...filter, language: event.target.value })}>
                <option value="">{k.allLanguages}</option>
                {LANGUAGES.map((code) => (
                  <option key={code} value={code}>
                    {k.languages[code]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {k.topic}
              <select value={filter.queue} onChange={(event) => setFilter({ ...filter, queue: event.target.value })}>
                <option value="">{k.all}</option>
                {queues.map((queue) => (
                  <option key={queue.key} value={queue.key}>
                    {language === 'en' ? queue.nameEn : queue.nameFr}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {k.status}
              <select value={filter.status} onChange={(event) => setFilter({ ...filter, status: event.target.value })}>
                <option value="">{k.all}</option>
                {STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {k.statuses[status]}
                  </option>
                ))}
              </select>
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={filter.reviewDue} onChange={(event) => setFilter({ ...filter, reviewDue: event.target.checked })} />
              {k.reviewDueOnly}
            </label>
          </div>
          <DataTable
            rows={articles}
            columns={columns}
            rowKey={(article) => article.id}
            testId="articles-table"
            caption={l.tabs.knowledge}
            initialSort={{ key: 'question', direction: 'ascending' }}
            empty={k.noArticle}
          />
          <ArticleImport onDone={load} />
          {isAdmin && <EditorsSection agents={agents} />}
        </>
      )}
    </section>
  );
}

interface Draft {
  articleKey: string;
  language: string;
  question: string;
  phrasings: string;
  answer: string;
  queue: string;
  sources: Source[];
  status: Status;
  reviewEveryDays: string;
  reviewed: boolean;
}

const emptyDraft: Draft = { articleKey: '', language: 'fr', question: '', phrasings: '', answer: '', queue: '', sources: [{ title: '', url: '' }], status: 'draft', reviewEveryDays: '365', reviewed: false };

function draftOf(article: Omit<ArticleView, 'id' | 'version' | 'updatedAt'>): Draft {
  return {
    articleKey: article.articleKey,
    language: article.language,
    question: article.question,
    phrasings: article.phrasings.join('\n'),
    answer: article.answer,
    queue: article.queue ?? '',
    sources: article.sources.length > 0 ? article.sources.map((source) => ({ title: source.title, url: source.url })) : [{ title: '', url: '' }],
    status: article.status,
    reviewEveryDays: String(article.reviewEveryDays),
    reviewed: false,
  };
}

function ArticleEditor({
  id,
  queues,
  names,
  onClose,
  onSaved,
}: {
  id: string | null;
  queues: DeskQueueView[];
  names: (id: string | null) => string;
  onClose: () => void;
  onSaved: (article: ArticleView) => void;
}) {
  const k = useKnowledgeLabels();
  const language = useLanguage();
  const { run, view, fieldErrors } = useFeedback();
  const [article, setArticle] = useState<ArticleView | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [versions, setVersions] = useState<VersionView[]>([]);
  const [shown, setShown] = useState<VersionView | null>(null);

  const loadArticle = useCallback(async () => {
    if (!id) return;
    const [found, history] = await Promise.all([api.get<ArticleView>(`/api/admin/knowledge/articles/${id}`), api.get<VersionView[]>(`/api/admin/knowledge/articles/${id}/versions`)]);
    setArticle(found);
    setDraft(draftOf(found));
    setVersions(history);
  }, [id]);
  useEffect(() => {
    void run(loadArticle, undefined, true);
  }, [loadArticle]);

  const set = <K extends keyof Draft>(name: K, value: Draft[K]) => setDraft((before) => ({ ...before, [name]: value }));
  const localProblems = draft.answer.trim() ? answerProblems(draft.answer) : [];

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const content = {
      question: draft.question.trim(),
      phrasings: draft.phrasings
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
      answer: draft.answer,
      queue: draft.queue || null,
      sources: draft.sources.filter((source) => source.title.trim() || source.url.trim()).map((source) => ({ title: source.title.trim(), url: source.url.trim() })),
      status: draft.status,
      reviewEveryDays: Number(draft.reviewEveryDays),
    };
    const saved = await run(
      () =>
        id
          ? api.request<ArticleView>('PATCH', `/api/admin/knowledge/articles/${id}`, { ...content, ...(draft.reviewed ? { reviewed: true } : {}) })
          : api.post<ArticleView>('/api/admin/knowledge/articles', { articleKey: draft.articleKey.trim(), language: draft.language, ...content }),
      id ? k.saved : k.created,
    );
    if (saved) {
      if (id) await loadArticle();
      onSaved(saved);
    }
  }

  async function restore(version: number) {
    const restored = await run(() => api.post<ArticleView>(`/api/admin/knowledge/articles/${id}/versions/${version}/restore`), k.restored(version));
    if (restored) {
      setShown(null);
      await loadArticle();
      onSaved(restored);
    }
  }

  const title = id ? (article ? `${article.question}` : '…') : k.newArticle;
  return (
    <div className="article-editor" data-testid="article-editor">
      <div className="editor-head">
        <h3>
          {title}
          {article && (
            <>
              {' '}
              <StatusBadge status={article.status} /> <span className="muted">
                {k.version} {article.version}
              </span>
            </>
          )}
        </h3>
        <button type="button" className="secondary" onClick={onClose}>
          {k.close}
        </button>
      </div>
      {view}
      <form className="editor-grid" aria-label={id ? k.edit : k.newArticle} onSubmit={(event) => void save(event)} noValidate>
        <div className="editor-fields">
          <div className="field-row">
            <Field label={k.key} names={['articleKey', 'key']} errors={fieldErrors} hint={id ? undefined : k.keyHint}>
              <input value={draft.articleKey} onChange={(event) => set('articleKey', event.target.value)} readOnly={Boolean(id)} required />
            </Field>
            <Field label={k.language} names={['language']} errors={fieldErrors}>
              <select value={draft.language} onChange={(event) => set('language', event.target.value)} disabled={Boolean(id)}>
                {LANGUAGES.map((code) => (
                  <option key={code} value={code}>
                    {k.languages[code]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={k.status} names={['status']} errors={fieldErrors}>
              <select value={draft.status} onChange={(event) => set('status', event.target.value as Status)}>
                {STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {k.statuses[status]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={k.topic} names={['queue']} errors={fieldErrors}>
              <select value={draft.queue} onChange={(event) => set('queue', event.target.value)}>
                <option value="">{k.noTopic}</option>
                {queues.map((queue) => (
                  <option key={queue.key} value={queue.key}>
                    {language === 'en' ? queue.nameEn : queue.nameFr}
                  </option>
                ))}
                {draft.queue && !queues.some((queue) => queue.key === draft.queue) && <option value={draft.queue}>{draft.queue}</option>}
              </select>
            </Field>
          </div>
          <Field label={k.question} names={['question']} errors={fieldErrors} className="full">
            <input value={draft.question} onChange={(event) => set('question', event.target.value)} required maxLength={300} />
          </Field>
          <Field label={k.phrasings} names={['phrasings']} errors={fieldErrors} hint={k.phrasingsHint} className="full">
            <textarea rows={3} value={draft.phrasings} onChange={(event) => set('phrasings', event.target.value)} />
          </Field>
          <Field label={k.answer} names={['answer']} errors={fieldErrors} hint={k.answerHint} className="full">
            <textarea rows={10} value={draft.answer} onChange={(event) => set('answer', event.target.value)} required maxLength={8000} />
          </Field>
          {localProblems.length > 0 && !fieldErrors.answer && (
            <ul className="field-error" data-testid="answer-problems">
              {localProblems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
          <fieldset className={`sources${Object.keys(fieldErrors).some((field) => field.startsWith('sources')) ? ' invalid' : ''}`}>
            <legend>{k.sources}</legend>
            <p className="help">{k.sourcesHint}</p>
            {draft.sources.map((source, index) => (
              <div className="field-row" key={index}>
                <Field label={k.sourceTitle} names={[`sources.${index}.title`]} errors={fieldErrors}>
                  <input
                    value={source.title}
                    onChange={(event) => set('sources', draft.sources.map((item, at) => (at === index ? { ...item, title: event.target.value } : item)))}
                  />
                </Field>
                <Field label={k.sourceUrl} names={[`sources.${index}.url`]} errors={fieldErrors} className="grow">
                  <input
                    type="url"
                    value={source.url}
                    onChange={(event) => set('sources', draft.sources.map((item, at) => (at === index ? { ...item, url: event.target.value } : item)))}
                  />
                </Field>
                <button type="button" className="secondary" aria-label={k.removeSource(index + 1)} onClick={() => set('sources', draft.sources.filter((_, at) => at !== index))}>
                  ✕
                </button>
              </div>
            ))}
            {fieldErrors.sources && (
              <span className="field-error" data-testid="error-sources">
                {fieldErrors.sources}
              </span>
            )}
            <button type="button" className="secondary" onClick={() => set('sources', [...draft.sources, { title: '', url: '' }])}>
              {k.addSource}
            </button>
          </fieldset>
          <div className="field-row">
            <Field label={k.reviewEvery} names={['reviewEveryDays', 'review_every_days']} errors={fieldErrors}>
              <input type="number" min={1} max={3650} value={draft.reviewEveryDays} onChange={(event) => set('reviewEveryDays', event.target.value)} />
            </Field>
            {article && (
              <label className="checkbox">
                <input type="checkbox" checked={draft.reviewed} onChange={(event) => set('reviewed', event.target.checked)} />
                {k.markReviewed}
              </label>
            )}
            {article && (
              <p className="help">
                {k.lastReview(formatDay(article.reviewedAt, language))}
                {isReviewDue(article) && (
                  <>
                    {' '}
                    <span className="badge due">{k.reviewDue}</span>
                  </>
                )}{' '}
                · {k.owner} : {names(article.ownerAgentId)}
              </p>
            )}
          </div>
          <div className="admin-toolbar">
            <button type="submit">{id ? k.save : k.create}</button>
          </div>
        </div>
        <aside className="preview" aria-labelledby="answer-preview-title">
          <h4 id="answer-preview-title">{k.preview}</h4>
          <div className="preview-box" data-testid="answer-preview">
            {draft.question && <p className="preview-question">{draft.question}</p>}
            {draft.answer.trim() ? <AnswerPreview answer={draft.answer} /> : <p className="muted">{k.previewEmpty}</p>}
            {draft.sources.some((source) => source.url.startsWith('https://')) && (
              <ul className="preview-sources">
                {draft.sources
                  .filter((source) => source.url.startsWith('https://'))
                  .map((source, index) => (
                    <li key={index}>
                      <a href={source.url} target="_blank" rel="noopener noreferrer">
                        {source.title || source.url}
                      </a>
                    </li>
                  ))}
              </ul>
            )}
          </div>
        </aside>
      </form>

      {id && versions.length > 0 && (
        <section aria-labelledby="versions-title" className="versions">
          <h4 id="versions-title">{k.versions}</h4>
          <table className="admin-table" data-testid="versions-table">
            <thead>
              <tr>
                <th scope="col">{k.version}</th>
                <th scope="col">{k.at}</th>
                <th scope="col">{k.change}</th>
                <th scope="col">{k.by}</th>
                <th scope="col">{k.status}</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {versions.map((version) => (
                <tr key={version.id} className={shown?.version === version.version ? 'selected' : undefined}>
                  <td>
                    {version.version}
                    {version.version === article?.version && <span className="muted"> ({k.current})</span>}
                  </td>
                  <td>{formatInstant(version.createdAt, language)}</td>
                  <td>{k.changes[version.change] ?? version.change}</td>
                  <td>{names(version.changedBy)}</td>
                  <td>
                    <StatusBadge status={version.snapshot.status} />
                  </td>
                  <td className="actions">
                    <button type="button" className="secondary" onClick={() => setShown(shown?.version === version.version ? null : version)} aria-label={`${shown?.version === version.version ? k.hide : k.view} ${k.viewing(version.version)}`}>
                      {shown?.version === version.version ? k.hide : k.view}
                    </button>
                    {version.version !== article?.version && (
                      <button type="button" onClick={() => void restore(version.version)} aria-label={`${k.restore} ${k.viewing(version.version)}`}>
                        {k.restore}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown && (
            <article className="version-view" data-testid="version-view" aria-label={k.viewing(shown.version)}>
              <h5>
                {k.viewing(shown.version)} · {formatInstant(shown.createdAt, language)} · <StatusBadge status={shown.snapshot.status} />
              </h5>
              <p className="preview-question">{shown.snapshot.question}</p>
              {shown.snapshot.phrasings.length > 0 && <p className="muted">{shown.snapshot.phrasings.join(' · ')}</p>}
              <AnswerPreview answer={shown.snapshot.answer} />
              {shown.snapshot.sources.length > 0 && (
                <ul className="preview-sources">
                  {shown.snapshot.sources.map((source, index) => (
                    <li key={index}>
                      {source.title} — <code>{source.url}</code>
                    </li>
                  ))}
                </ul>
              )}
            </article>
          )}
        </section>
      )}
    </div>
  );
}

function ArticleImport({ onDone }: { onDone: () => void }) {
  const k = useKnowledgeLabels();
  const { run, view } = useFeedback();
  const [format, setFormat] = useState<'csv' | 'markdown'>('csv');
  const [text, setText] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);

  async function submit(dryRun: boolean) {
    const result = await run(() => api.post<ImportReport>('/api/admin/knowledge/import', { format, text, dryRun }), dryRun ? undefined : k.imported);
    setReport(result ?? null);
    if (result && !dryRun && result.errors.length === 0) onDone();
  }

  return (
    <fieldset className="admin-form import" aria-describedby="kb-import-help">
      <legend>{k.importTitle}</legend>
      <p className="help full" id="kb-import-help">
        {k.importHelp}
      </p>
      <label>
        {k.format}
        <select value={format} onChange={(event) => setFormat(event.target.value as 'csv' | 'markdown')}>
          <option value="csv">CSV</option>
          <option value="markdown">Markdown</option>
        </select>
      </label>
      <label>
        {k.file}
        <input
          type="file"
          accept=".csv,.md,.markdown,.txt,text/csv,text/markdown,text/plain"
          onChange={(event) => {
            const file = event.target.files?.[0];
            setReport(null);
            if (file) {
              if (/\.(md|markdown)$/i.test(file.name)) setFormat('markdown');
              else if (/\.csv$/i.test(file.name)) setFormat('csv');
              void file.text().then(setText);
            }
          }}
        />
      </label>
      <label className="full">
        {k.pasted}
        <textarea rows={4} value={text} onChange={(event) => setText(event.target.value)} spellCheck={false} />
      </label>
      <div className="admin-toolbar full">
        <button type="button" disabled={!text.trim()} onClick={() => void submit(true)}>
          {k.dryRun}
        </button>
        <button type="button" disabled={!text.trim()} onClick={() => void submit(false)}>
          {k.importNow}
        </button>
      </div>
      <div className="full">
        {view}
        {report && <ImportReportView report={report} testId="kb-import-report" />}
      </div>
    </fieldset>
  );
}

function EditorsSection({ agents }: { agents: { id: string; displayName: string; login: string; role: string }[] }) {
  const k = useKnowledgeLabels();
  const language = useLanguage();
  const { run, view } = useFeedback();
  const [editors, setEditors] = useState<{ agentId: string; grantedAt: string }[]>([]);
  const [chosen, setChosen] = useState('');
  const load = useCallback(() => {
    void run(async () => setEditors(await api.get<{ agentId: string; grantedAt: string }[]>('/api/admin/knowledge/editors')), undefined, true);
  }, []);
  useEffect(load, [load]);
  const candidates = agents.filter((agent) => agent.role !== 'admin' && !editors.some((editor) => editor.agentId === agent.id));
  const nameOf = (id: string) => {
    const agent = agents.find((candidate) => candidate.id === id);
    return agent ? `${agent.displayName} (${agent.login})` : id;
  };
  return (
    <section aria-labelledby="kb-editors-title" className="admin-form editors">
      <h3 id="kb-editors-title">{k.editors}</h3>
      <p className="help full">{k.editorsHelp}</p>
      {view}
      <ul className="admin-list full">
        {editors.length === 0 && <li>{k.noEditor}</li>}
        {editors.map((editor) => (
          <li key={editor.agentId}>
            {nameOf(editor.agentId)} <span className="muted">· {formatDay(editor.grantedAt, language)}</span>{' '}
            <button type="button" className="secondary" onClick={() => void run(() => api.request('DELETE', `/api/admin/knowledge/editors/${editor.agentId}`)).then(load)}>
              {k.revoke}
            </button>
          </li>
        ))}
      </ul>
      <label>
        {k.agent}
        <select value={chosen} onChange={(event) => setChosen(event.target.value)}>
          <option value="">—</option>
          {candidates.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.displayName} ({agent.login})
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={!chosen} onClick={() => void run(() => api.put(`/api/admin/knowledge/editors/${chosen}`, {})).then(() => (setChosen(''), load()))}>
        {k.grant}
      </button>
    </section>
  );
}
