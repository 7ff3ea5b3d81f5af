/**
 * The two file formats of the knowledge base, read by the import (with every problem listed by line) and written by
 * the export, so that an export imports back unchanged.
 *
 * CSV: key,language,question,phrasings,answer,queue,status,sources,review_every_days with phrasings separated by
 * " | " and sources as "Title <https://...>" separated by " | ".
 *
 * Markdown: articles separated by a line "---"; each starts with "name: value" header lines (key, language,
 * question, phrasings, queue, status, sources, review-every-days), then a blank line, then the answer.
 */
import { parseCsv, toCsv } from '@brigade/administration';
import { ARTICLE_STATUSES, ArticleSource, ArticleStatus, KB_LANGUAGES, KbLanguage } from './knowledge-article.entity';
import { answerProblems } from './markdown';

export interface ArticleInput {
  articleKey: string;
  language: KbLanguage;
  question: string;
  phrasings: string[];
  answer: string;
  queue: string | null;
  sources: ArticleSource[];
  status: ArticleStatus;
  reviewEveryDays: number;
}

export interface FileProblem {
  line: number;
  field: string;
  message: string;
}

export interface ParsedArticles {
  articles: { line: number; article: ArticleInput }[];
  problems: FileProblem[];
}

export const CSV_HEADER = ['key', 'language', 'question', 'phrasings', 'answer', 'queue', 'status', 'sources', 'review_every_days'];
const KEY = /^[a-z0-9][a-z0-9-]{1,79}$/;

/** Checks one article; returns its problems as (field, message). */
export function articleProblems(article: Partial<ArticleInput>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!article.articleKey || !KEY.test(article.articleKey)) problems.push({ field: 'key', message: 'clé attendue : 2 à 80 minuscules, chiffres ou « - »' });
  if (!article.language || !(KB_LANGUAGES as readonly string[]).includes(article.language)) problems.push({ field: 'language', message: `langue attendue : ${KB_LANGUAGES.join(', ')}` });
  if (!article.question || article.question.trim().length < 5 || article.question.length > 300) problems.push({ field: 'question', message: 'question de 5 à 300 caractères' });
  if ((article.phrasings ?? []).some((phrasing) => phrasing.length > 300)) problems.push({ field: 'phrasings', message: 'formulation de plus de 300 caractères' });
  if ((article.phrasings ?? []).length > 50) problems.push({ field: 'phrasings', message: '50 formulations au plus' });
  for (const message of answerProblems(article.answer ?? '')) problems.push({ field: 'answer', message });
  if ((article.answer ?? '').length > 8000) problems.push({ field: 'answer', message: 'réponse de 8 000 caractères au plus' });
  if (article.status && !(ARTICLE_STATUSES as readonly string[]).includes(article.status)) problems.push({ field: 'status', message: 'statut attendu : draft, published ou archived' });
  for (const source of article.sources ?? []) {
    if (!/^https:\/\/[^\s]+$/.test(source.url)) problems.push({ field: 'sources', message: `lien officiel invalide : ${source.url}` });
  }
  if (article.status === 'published' && (article.sources ?? []).length === 0) problems.push({ field: 'sources', message: 'un article publié cite au moins une page officielle' });
  if (article.reviewEveryDays !== undefined && !(Number.isInteger(article.reviewEveryDays) && article.reviewEveryDays >= 1 && article.reviewEveryDays <= 3650)) {
    problems.push({ field: 'review_every_days', message: 'rappel de relecture : 1 à 3650 jours' });
  }
  return problems;
}

export function parseSources(text: string): ArticleSource[] {
  return text
    .split(' | ')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const match = /^(.*?)\s*<([^>]+)>$/.exec(part);
      return match ? { title: match[1].trim() || match[2], url: match[2].trim() } : { title: part, url: part };
    });
}

export function formatSources(sources: ArticleSource[]): string {
  return sources.map((source) => `${source.title} <${source.url}>`).join(' | ');
}

function splitPhrasings(text: string): string[] {
  return text.split(' | ').map((part) => part.trim()).filter((part) => part.length > 0);
}

function build(fields: Record<string, string>): Partial<ArticleInput> {
  const days = fields.review_every_days?.trim();
  return {
    articleKey: fields.key?.trim(),
    language: fields.language?.trim() as KbLanguage,
    question: fields.question?.trim(),
    phrasings: splitPhrasings(fields.phrasings ?? ''),
    // The CSV export protects cells from spreadsheets' formulas with a leading quote: read it back without.
    answer: (fields.answer ?? '').trim().replace(/^'(?=[=+\-@])/, ''),
    queue: fields.queue?.trim() || null,
    status: (fields.status?.trim() || 'draft') as ArticleStatus,
    sources: parseSources(fields.sources ?? ''),
    reviewEveryDays: days ? Number(days) : 365,
  };
}

function collect(entries: { line: number; fields: Record<string, string> }[], problems: FileProblem[]): ParsedArticles {
  const articles: ParsedArticles['articles'] = [];
  const seen = new Map<string, number>();
  for (const entry of entries) {
    const article = build(entry.fields);
    const found = articleProblems(article);
    const id = `${article.articleKey}/${article.language}`;
    if (seen.has(id)) found.push({ field: 'key', message: `${id} figure déjà ligne ${seen.get(id)}` });
    seen.set(id, entry.line);
    if (found.length > 0) problems.push(...found.map((problem) => ({ line: entry.line, ...problem })));
    else articles.push({ line: entry.line, article: article as ArticleInput });
  }
  return { articles, problems };
}

export function parseArticlesCsv(text: string): ParsedArticles {
  const rows = parseCsv(text);
  const problems: FileProblem[] = [];
  if (rows.length === 0) return { articles: [], problems: [{ line: 1, field: 'file', message: 'fichier vide' }] };
  const header = rows[0].fields.map((name) => name.trim().toLowerCase());
  const missing = ['key', 'language', 'question', 'answer'].filter((name) => !header.includes(name));
  if (missing.length > 0) return { articles: [], problems: [{ line: 1, field: 'header', message: `colonnes manquantes : ${missing.join(', ')}` }] };
  const entries = rows.slice(1).map((row) => ({
    line: row.line,
    fields: Object.fromEntries(header.map((name, index) => [name, row.fields[index] ?? ''])),
  }));
  return collect(entries, problems);
}

const MD_FIELDS: Record<string, string> = {
  key: 'key',
  language: 'language',
  question: 'question',
  phrasings: 'phrasings',
  queue: 'queue',
  status: 'status',
  sources: 'sources',
  'review-every-days': 'review_every_days',
};

export function parseArticlesMarkdown(text: string): ParsedArticles {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const entries: { line: number; fields: Record<string, string> }[] = [];
  const problems: FileProblem[] = [];
  let index = 0;
  while (index < lines.length) {
    while (index < lines.length && (lines[index].trim() === '' || lines[index].trim() === '---' || lines[index].startsWith('<!--'))) index++;
    if (index >= lines.length) break;
    const start = index + 1;
    const fields: Record<string, string> = {};
    while (index < lines.length && lines[index].trim() !== '' && lines[index].trim() !== '---') {
      const match = /^([a-z-]+):\s?(.*)$/.exec(lines[index]);
      if (match && MD_FIELDS[match[1]]) fields[MD_FIELDS[match[1]]] = match[2];
      else problems.push({ line: index + 1, field: 'header', message: `ligne d’en-tête inconnue : « ${lines[index].slice(0, 60)} »` });
      index++;
    }
    const answer: string[] = [];
    while (index < lines.length && lines[index].trim() !== '---') answer.push(lines[index++]);
    fields.answer = answer.join('\n');
    entries.push({ line: start, fields });
  }
  return collect(entries, problems);
}

export function articlesToCsv(articles: ArticleInput[]): string {
  return toCsv(
    CSV_HEADER,
    articles.map((a) => [a.articleKey, a.language, a.question, a.phrasings.join(' | '), a.answer, a.queue ?? '', a.status, formatSources(a.sources), a.reviewEveryDays]),
  );
}

export function articlesToMarkdown(articles: ArticleInput[]): string {
  return articles
    .map((a) =>
      [
        `key: ${a.articleKey}`,
        `language: ${a.language}`,
        `question: ${a.question}`,
        `phrasings: ${a.phrasings.join(' | ')}`,
        ...(a.queue ? [`queue: ${a.queue}`] : []),
        `status: ${a.status}`,
        `sources: ${formatSources(a.sources)}`,
        `review-every-days: ${a.reviewEveryDays}`,
        '',
        a.answer.trim(),
      ].join('\n'),
    )
    .join('\n\n---\n\n')
    .concat('\n');
}
