import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { ArticleInput, FileProblem, articleProblems, articlesToCsv, articlesToMarkdown, parseArticlesCsv, parseArticlesMarkdown } from './article-files';
import { ArticleStatus, KnowledgeArticle } from './knowledge-article.entity';
import { ArticleSnapshot, KnowledgeArticleVersion } from './knowledge-article-version.entity';
import { KnowledgeEditor } from './knowledge-editor.entity';
import { KnowledgeConflictError, KnowledgeForbiddenError, KnowledgeNotFoundError, KnowledgeValidationError } from './knowledge-errors';

export interface ArticleFilter {
  language?: string;
  status?: string;
  queue?: string;
  /** Words of the question or key. */
  q?: string;
  /** Only articles whose review date has passed. */
  reviewDue?: boolean;
}

export interface ArticleImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: FileProblem[];
}

export type ArticleFileFormat = 'csv' | 'markdown';

const CONTENT_FIELDS = ['question', 'phrasings', 'answer', 'queue', 'sources', 'status', 'reviewEveryDays'] as const;

function snapshotOf(article: KnowledgeArticle): ArticleSnapshot {
  return {
    articleKey: article.articleKey,
    language: article.language,
    question: article.question,
    phrasings: article.phrasings,
    answer: article.answer,
    queue: article.queue,
    sources: article.sources,
    status: article.status,
    ownerAgentId: article.ownerAgentId,
    reviewedAt: article.reviewedAt ? new Date(article.reviewedAt).toISOString() : null,
    reviewEveryDays: article.reviewEveryDays,
  };
}

/** A field's value in one comparable form (jsonb answers an object's keys in its own order). */
function comparable(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value.map((item) => (item && typeof item === 'object' ? { title: item.title, url: item.url } : item)));
  return JSON.stringify(value ?? null);
}

function changedFields(before: KnowledgeArticle, next: ArticleInput): string[] {
  return CONTENT_FIELDS.filter((field) => comparable(before[field]) !== comparable(next[field]));
}

function sameContent(article: KnowledgeArticle, input: ArticleInput): boolean {
  return changedFields(article, input).length === 0;
}

/**
 * The articles of the knowledge base: written by administrators and editors, every change a new version (any older
 * one can be read and restored) and an audit entry, in the same transaction.
 */
@Injectable()
export class KnowledgeBaseService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Administrators, and agents given the editor permission. */
  async canEdit(principal: AgentPrincipal): Promise<boolean> {
    if (principal.role === 'admin') return true;
    return (await this.dataSource.getRepository(KnowledgeEditor).countBy({ agentId: principal.agentId })) > 0;
  }

  async assertEditor(principal: AgentPrincipal): Promise<void> {
    if (!(await this.canEdit(principal))) throw new KnowledgeForbiddenError();
  }

  async editors(): Promise<KnowledgeEditor[]> {
    return this.dataSource.getRepository(KnowledgeEditor).find({ order: { grantedAt: 'ASC' } });
  }

  async setEditor(actor: AgentPrincipal, agentId: string, editor: boolean): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [agent] = await manager.query(`SELECT 1 FROM agents WHERE id = $1`, [agentId]);
      if (!agent) throw new KnowledgeNotFoundError('Agent introuvable');
      if (editor) await manager.query(`INSERT INTO knowledge_editors (agent_id, granted_by) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [agentId, actor.agentId]);
      else await manager.query(`DELETE FROM knowledge_editors WHERE agent_id = $1`, [agentId]);
      await this.audit.record(
        { actorType: 'agent', actorId: actor.agentId, action: editor ? 'knowledge.editor.grant' : 'knowledge.editor.revoke', subjectType: 'agent', subjectId: agentId, details: {} },
        manager,
      );
    });
  }

  list(filter: ArticleFilter = {}): Promise<KnowledgeArticle[]> {
    const query = this.dataSource.getRepository(KnowledgeArticle).createQueryBuilder('a').orderBy('a.article_key').addOrderBy('a.language');
    if (filter.language) query.andWhere('a.language = :language', { language: filter.language });
    if (filter.status) query.andWhere('a.status = :status', { status: filter.status });
    if (filter.queue) query.andWhere('a.queue = :queue', { queue: filter.queue });
    if (filter.q) query.andWhere(`(a.article_key ILIKE :q OR kb_unaccent(a.question) ILIKE kb_unaccent(:q))`, { q: `%${filter.q.replace(/[%_\\]/g, '\\$&')}%` });
    if (filter.reviewDue) query.andWhere(`(a.reviewed_at IS NULL OR a.reviewed_at + make_interval(days => a.review_every_days) < now())`);
    return query.getMany();
  }

  async get(id: string): Promise<KnowledgeArticle> {
    const article = await this.dataSource.getRepository(KnowledgeArticle).findOneBy({ id });
    if (!article) throw new KnowledgeNotFoundError();
    return article;
  }

  /** The published article of a key in a language, or in French, or in any language. */
  async published(articleKey: string, language: string): Promise<KnowledgeArticle | null> {
    const [row] = await this.dataSource.query(
      `SELECT id FROM knowledge_articles WHERE article_key = $1 AND status = 'published'
        ORDER BY (language = $2) DESC, (language = 'fr') DESC, language LIMIT 1`,
      [articleKey, language],
    );
    return row ? this.dataSource.getRepository(KnowledgeArticle).findOneBy({ id: row.id }) : null;
  }

  async versions(id: string): Promise<KnowledgeArticleVersion[]> {
    await this.get(id);
    return this.dataSource.getRepository(KnowledgeArticleVersion).find({ where: { articleId: id }, order: { version: 'DESC' } });
  }

  async version(id: string, version: number): Promise<KnowledgeArticleVersion> {
    const found = await this.dataSource.getRepository(KnowledgeArticleVersion).findOneBy({ articleId: id, version });
    if (!found) throw new KnowledgeNotFoundError('Version introuvable');
    return found;
  }

  async create(actor: AgentPrincipal, input: ArticleInput): Promise<KnowledgeArticle> {
    await this.assertEditor(actor);
    check(input);
    return this.dataSource.transaction(async (manager) => {
      const [taken] = await manager.query(`SELECT 1 FROM knowledge_articles WHERE article_key = $1 AND language = $2`, [input.articleKey, input.language]);
      if (taken) throw new KnowledgeConflictError(`L’article ${input.articleKey} existe déjà en ${input.language}`);
      return this.insert(manager, actor.agentId, input, 'create');
    });
  }

  async update(actor: AgentPrincipal, id: string, changes: Partial<ArticleInput> & { reviewed?: boolean }): Promise<KnowledgeArticle> {
    await this.assertEditor(actor);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lock(manager, id);
      const next: ArticleInput = { ...before, ...definedOnly(changes), articleKey: before.articleKey, language: before.language };
      check(next);
      return this.write(manager, actor.agentId, before, next, 'update', { reviewed: changes.reviewed === true });
    });
  }

  async setStatus(actor: AgentPrincipal, id: string, status: ArticleStatus): Promise<KnowledgeArticle> {
    return this.update(actor, id, { status });
  }

  /** Writes an older version's content as the newest version: nothing is lost, the restore is itself a version. */
  async restore(actor: AgentPrincipal, id: string, version: number): Promise<KnowledgeArticle> {
    await this.assertEditor(actor);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lock(manager, id);
      const old = await manager.getRepository(KnowledgeArticleVersion).findOneBy({ articleId: id, version });
      if (!old) throw new KnowledgeNotFoundError('Version introuvable');
      const snapshot = old.snapshot;
      const next: ArticleInput = {
        articleKey: before.articleKey,
        language: before.language,
        question: snapshot.question,
        phrasings: snapshot.phrasings,
        answer: snapshot.answer,
        queue: snapshot.queue,
        sources: snapshot.sources,
        status: snapshot.status as ArticleStatus,
        reviewEveryDays: snapshot.reviewEveryDays,
      };
      check(next);
      return this.write(manager, actor.agentId, before, next, 'restore', { restoredFrom: version });
    });
  }

  /**
   * Imports a CSV or Markdown file: articles are matched by key and language (created or updated, each a new
   * version). A dry run, or any bad line, writes nothing and lists every problem by line.
   */
  async import(actor: AgentPrincipal | null, format: ArticleFileFormat, text: string, dryRun: boolean): Promise<ArticleImportReport> {
    if (actor) await this.assertEditor(actor);
    const parsed = format === 'csv' ? parseArticlesCsv(text) : parseArticlesMarkdown(text);
    const report: ArticleImportReport = { dryRun, rows: parsed.articles.length + new Set(parsed.problems.map((p) => p.line)).size, created: 0, updated: 0, unchanged: 0, errors: parsed.problems };
    const write = !dryRun && parsed.problems.length === 0;
    const run = async (manager: EntityManager) => {
      for (const { article } of parsed.articles) {
        const [existing] = await manager.query(`SELECT id FROM knowledge_articles WHERE article_key = $1 AND language = $2 FOR UPDATE`, [article.articleKey, article.language]);
        if (!existing) {
          report.created++;
          if (write) await this.insert(manager, actor?.agentId ?? null, article, 'import');
          continue;
        }
        const before = await manager.getRepository(KnowledgeArticle).findOneByOrFail({ id: existing.id });
        if (sameContent(before, article)) {
          report.unchanged++;
          continue;
        }
        report.updated++;
        if (write) await this.write(manager, actor?.agentId ?? null, before, article, 'import', {});
      }
      if (write) {
        await this.audit.record(
          { actorType: actor ? 'agent' : 'system', actorId: actor?.agentId ?? null, action: 'knowledge.import', subjectType: 'knowledge-base', subjectId: null, details: { format, created: report.created, updated: report.updated, unchanged: report.unchanged } },
          manager,
        );
      }
    };
    if (write) await this.dataSource.transaction(run);
    else await run(this.dataSource.manager);
    return report;
  }

  async export(format: ArticleFileFormat, filter: ArticleFilter = {}): Promise<string> {
    const articles = await this.list(filter);
    return format === 'csv' ? articlesToCsv(articles) : articlesToMarkdown(articles);
  }

  private async lock(manager: EntityManager, id: string): Promise<KnowledgeArticle> {
    const [row] = await manager.query(`SELECT id FROM knowledge_articles WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw new KnowledgeNotFoundError();
    return manager.getRepository(KnowledgeArticle).findOneByOrFail({ id });
  }

  private async insert(manager: EntityManager, agentId: string | null, input: ArticleInput, change: string): Promise<KnowledgeArticle> {
    const saved = await manager.getRepository(KnowledgeArticle).save(
      manager.getRepository(KnowledgeArticle).create({ ...input, ownerAgentId: agentId, reviewedAt: new Date(), version: 1 }),
    );
    // The save reads back the generated search columns as null: they are the index's, never part of an answer.
    delete saved.searchVector;
    delete saved.searchText;
    await manager.getRepository(KnowledgeArticleVersion).insert({ articleId: saved.id, version: 1, snapshot: snapshotOf(saved) as never, change, changedBy: agentId });
    await this.audit.record(
      { actorType: agentId ? 'agent' : 'system', actorId: agentId, action: `knowledge.${change === 'create' ? 'create' : change}`, subjectType: 'knowledge-article', subjectId: saved.id, details: { articleKey: saved.articleKey, language: saved.language, version: 1 } },
      manager,
    );
    return saved;
  }

  private async write(
    manager: EntityManager,
    agentId: string | null,
    before: KnowledgeArticle,
    next: ArticleInput,
    change: string,
    extra: { reviewed?: boolean; restoredFrom?: number },
  ): Promise<KnowledgeArticle> {
    const version = before.version + 1;
    const changed = changedFields(before, next);
    await manager.getRepository(KnowledgeArticle).update(
      { id: before.id },
      {
        question: next.question,
        phrasings: next.phrasings,
        answer: next.answer,
        queue: next.queue,
        sources: next.sources as never,
        status: next.status,
        reviewEveryDays: next.reviewEveryDays,
        version,
        ...(extra.reviewed || change === 'import' || changed.some((field) => field === 'answer' || field === 'question') ? { reviewedAt: new Date() } : {}),
      },
    );
    const after = await manager.getRepository(KnowledgeArticle).findOneByOrFail({ id: before.id });
    await manager.getRepository(KnowledgeArticleVersion).insert({ articleId: before.id, version, snapshot: snapshotOf(after) as never, change, changedBy: agentId });
    await this.audit.record(
      {
        actorType: agentId ? 'agent' : 'system',
        actorId: agentId,
        action: `knowledge.${change}`,
        subjectType: 'knowledge-article',
        subjectId: before.id,
        details: { articleKey: before.articleKey, language: before.language, version, changed, ...(extra.restoredFrom ? { restoredFrom: extra.restoredFrom } : {}), before: pick(before, changed) },
      },
      manager,
    );
    return after;
  }
}

function check(input: ArticleInput): void {
  const problems = articleProblems(input);
  if (problems.length > 0) throw new KnowledgeValidationError(problems.map((problem) => `${problem.field} : ${problem.message}`));
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([key, value]) => value !== undefined && key !== 'reviewed')) as Partial<T>;
}

function pick(article: KnowledgeArticle, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, article[field as keyof KnowledgeArticle]]));
}
