/**
 * Search quality and latency of the knowledge base, shared by `npm run bench:kb` and the component test that holds
 * the thresholds: the held-out questions, the generated filler articles, and the figures computed from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { KnowledgeSearchService } from '@brigade/knowledge-base';

export interface HeldOutQuestion {
  q: string;
  expect: string;
}

export const QUALITY_TARGETS = { top3: 0.85, top1: 0.65 };
export const LATENCY_TARGET_P95_MS = 30;

export function heldOutQuestions(): HeldOutQuestion[] {
  return (JSON.parse(readFileSync(join(__dirname, 'held-out-questions.json'), 'utf8')) as { questions: HeldOutQuestion[] }).questions;
}

export interface QualityReport {
  questions: number;
  top1: number;
  top3: number;
  misses: { q: string; expect: string; got: string[] }[];
}

export async function measureQuality(search: KnowledgeSearchService, questions = heldOutQuestions()): Promise<QualityReport> {
  let top1 = 0;
  let top3 = 0;
  const misses: QualityReport['misses'] = [];
  for (const question of questions) {
    const hits = await search.search(question.q, { limit: 3 });
    const keys = hits.map((hit) => hit.articleKey);
    if (keys[0] === question.expect) top1++;
    if (keys.includes(question.expect)) top3++;
    else misses.push({ q: question.q, expect: question.expect, got: keys });
  }
  return { questions: questions.length, top1: top1 / questions.length, top3: top3 / questions.length, misses };
}

const FILLER_WORDS = (
  'dossier attestation formulaire mairie prefecture vehicule logement commune association documents demande rendez-vous ' +
  'delai justificatif courrier adresse service agence contrat assurance signalement information horaires accueil ' +
  'certificate appointment office request address insurance documents contract delay municipality housing vehicle'
).split(' ');

/**
 * Published filler articles (fr and en, same shape and length as real ones, made of administrative words) until the
 * base holds `total` articles: the latency is measured on a base of realistic size.
 */
export async function addFillerArticles(db: DataSource, total: number): Promise<number> {
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM knowledge_articles WHERE status = 'published'`);
  const missing = Math.max(0, total - n);
  if (missing === 0) return n;
  await db.query(
    `INSERT INTO knowledge_articles (article_key, language, question, phrasings, answer, status, sources, queue)
     SELECT 'filler-' || g, CASE WHEN g % 2 = 0 THEN 'fr' ELSE 'en' END,
            'Question ' || g || ' ' || w[1 + g % $2] || ' ' || w[1 + (g * 7) % $2] || ' ' || w[1 + (g * 13) % $2] || ' ?',
            ARRAY[w[1 + (g * 3) % $2] || ' ' || w[1 + (g * 5) % $2], w[1 + (g * 11) % $2] || ' ' || w[1 + (g * 17) % $2] || ' ' || w[1 + (g * 19) % $2]],
            repeat(w[1 + (g * 23) % $2] || ' ' || w[1 + (g * 29) % $2] || ' ' || w[1 + (g * 31) % $2] || ' pour le ' || g || '. ', 8),
            'published', '[{"title":"Service-Public.fr","url":"https://www.service-public.fr"}]', 'general'
       FROM generate_series(1, $1) g, (SELECT $3::text[] AS w) words`,
    [missing, FILLER_WORDS.length, FILLER_WORDS],
  );
  await db.query(`ANALYZE knowledge_articles`);
  return total;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface LatencyReport {
  articles: number;
  samples: number;
  p50: number;
  p95: number;
  p99: number;
}

export async function measureLatency(db: DataSource, search: KnowledgeSearchService, rounds: number, questions = heldOutQuestions()): Promise<LatencyReport> {
  for (const question of questions.slice(0, 20)) await search.search(question.q, { limit: 3 });
  const timings: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const question of questions) {
      const started = process.hrtime.bigint();
      await search.search(question.q, { limit: 3 });
      timings.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  timings.sort((a, b) => a - b);
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM knowledge_articles WHERE status = 'published'`);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return { articles: n, samples: timings.length, p50: round2(percentile(timings, 50)), p95: round2(percentile(timings, 95)), p99: round2(percentile(timings, 99)) };
}
