import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The knowledge base: articles (one row per article and language), their versions, the editors allowed to change
 * them, and the events the supervisors' figures count. Search needs two extensions shipped with PostgreSQL
 * (contrib): unaccent and pg_trgm. `kb_unaccent` is an immutable wrapper of unaccent (whose own volatility is
 * "stable" because its dictionary could change) so that it can serve in index expressions and in the trigger below.
 * Triggers keep, for any writer, the weighted search vector (question A, phrasings B, answer C, in the article's
 * language configuration), the folded text of question and phrasings, the words of that text per article, and the
 * lexicon of every such word with a trigram index: a misspelt word is matched against the short lexicon words (fast)
 * rather than against every article's text.
 */
export class KnowledgeBase1795980000000 implements MigrationInterface {
  name = 'KnowledgeBase1795980000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION kb_unaccent(text) RETURNS text
         LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`,
    );
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION kb_config(text) RETURNS regconfig
         LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT (CASE $1 WHEN 'fr' THEN 'french' WHEN 'en' THEN 'english' WHEN 'de' THEN 'german'
                               WHEN 'it' THEN 'italian' WHEN 'es' THEN 'spanish' ELSE 'simple' END)::regconfig $$`,
    );
    await queryRunner.query(
      `CREATE TABLE "knowledge_articles" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "article_key" text NOT NULL,
        "language" text NOT NULL,
        "question" text NOT NULL,
        "phrasings" text array NOT NULL DEFAULT '{}',
        "answer" text NOT NULL,
        "queue" text,
        "sources" jsonb NOT NULL DEFAULT '[]',
        "status" text NOT NULL DEFAULT 'draft',
        "owner_agent_id" uuid,
        "reviewed_at" TIMESTAMP WITH TIME ZONE,
        "review_every_days" integer NOT NULL DEFAULT '365',
        "version" integer NOT NULL DEFAULT '1',
        "search_vector" tsvector,
        "search_text" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_knowledge_articles" PRIMARY KEY ("id"),
        CONSTRAINT "ck_knowledge_articles_status" CHECK (status IN ('draft', 'published', 'archived')),
        CONSTRAINT "ck_knowledge_articles_language" CHECK (language IN ('fr', 'en', 'de', 'it', 'es'))
      )`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_knowledge_articles_key_language" ON "knowledge_articles" ("article_key", "language") `);
    await queryRunner.query(`CREATE INDEX "ix_knowledge_articles_search" ON "knowledge_articles" USING gin ("search_vector")`);
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION knowledge_articles_search_fields() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.search_vector :=
           setweight(to_tsvector(kb_config(NEW.language), kb_unaccent(NEW.question)), 'A') ||
           setweight(to_tsvector(kb_config(NEW.language), kb_unaccent(array_to_string(NEW.phrasings, ' . '))), 'B') ||
           setweight(to_tsvector(kb_config(NEW.language), kb_unaccent(NEW.answer)), 'C');
         NEW.search_text := lower(kb_unaccent(NEW.question || ' ' || array_to_string(NEW.phrasings, ' ')));
         RETURN NEW;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_knowledge_articles_search" BEFORE INSERT OR UPDATE OF question, phrasings, answer, language
         ON "knowledge_articles" FOR EACH ROW EXECUTE FUNCTION knowledge_articles_search_fields()`,
    );
    await queryRunner.query(
      `CREATE TABLE "knowledge_article_words" (
        "article_id" uuid NOT NULL,
        "word" text NOT NULL,
        CONSTRAINT "pk_knowledge_article_words" PRIMARY KEY ("article_id", "word")
      )`,
    );
    await queryRunner.query(`CREATE INDEX "ix_knowledge_article_words_word" ON "knowledge_article_words" ("word") `);
    await queryRunner.query(
      `ALTER TABLE "knowledge_article_words" ADD CONSTRAINT "fk_knowledge_article_words_article"
         FOREIGN KEY ("article_id") REFERENCES "knowledge_articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "knowledge_lexicon" ("word" text NOT NULL, CONSTRAINT "pk_knowledge_lexicon" PRIMARY KEY ("word"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_knowledge_lexicon_trgm" ON "knowledge_lexicon" USING gin ("word" gin_trgm_ops)`);
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION knowledge_articles_words() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         DELETE FROM knowledge_article_words WHERE article_id = NEW.id;
         INSERT INTO knowledge_article_words (article_id, word)
           SELECT DISTINCT NEW.id, w FROM regexp_split_to_table(NEW.search_text, '[^a-z0-9]+') AS w WHERE length(w) >= 3;
         INSERT INTO knowledge_lexicon (word)
           SELECT DISTINCT w FROM regexp_split_to_table(NEW.search_text, '[^a-z0-9]+') AS w WHERE length(w) >= 3
           ON CONFLICT DO NOTHING;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_knowledge_articles_words" AFTER INSERT OR UPDATE OF question, phrasings
         ON "knowledge_articles" FOR EACH ROW EXECUTE FUNCTION knowledge_articles_words()`,
    );
    await queryRunner.query(
      `CREATE TABLE "knowledge_article_versions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "article_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "snapshot" jsonb NOT NULL,
        "change" text NOT NULL,
        "changed_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_knowledge_article_versions" PRIMARY KEY ("id")
      )`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_knowledge_article_versions" ON "knowledge_article_versions" ("article_id", "version") `);
    await queryRunner.query(
      `ALTER TABLE "knowledge_article_versions" ADD CONSTRAINT "fk_knowledge_article_versions_article"
         FOREIGN KEY ("article_id") REFERENCES "knowledge_articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "knowledge_editors" (
        "agent_id" uuid NOT NULL,
        "granted_by" uuid,
        "granted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_knowledge_editors" PRIMARY KEY ("agent_id")
      )`,
    );
    await queryRunner.query(
      `CREATE TABLE "knowledge_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "kind" text NOT NULL,
        "article_key" text,
        "language" text NOT NULL,
        "channel" text,
        "query" text,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_knowledge_events" PRIMARY KEY ("id")
      )`,
    );
    await queryRunner.query(`CREATE INDEX "ix_knowledge_events_kind_at" ON "knowledge_events" ("kind", "at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_knowledge_events_kind_at"`);
    await queryRunner.query(`DROP TABLE "knowledge_events"`);
    await queryRunner.query(`DROP TABLE "knowledge_editors"`);
    await queryRunner.query(`ALTER TABLE "knowledge_article_versions" DROP CONSTRAINT "fk_knowledge_article_versions_article"`);
    await queryRunner.query(`DROP INDEX "public"."uq_knowledge_article_versions"`);
    await queryRunner.query(`DROP TABLE "knowledge_article_versions"`);
    await queryRunner.query(`DROP TRIGGER "tr_knowledge_articles_words" ON "knowledge_articles"`);
    await queryRunner.query(`DROP FUNCTION knowledge_articles_words()`);
    await queryRunner.query(`DROP INDEX "public"."ix_knowledge_lexicon_trgm"`);
    await queryRunner.query(`DROP TABLE "knowledge_lexicon"`);
    await queryRunner.query(`ALTER TABLE "knowledge_article_words" DROP CONSTRAINT "fk_knowledge_article_words_article"`);
    await queryRunner.query(`DROP INDEX "public"."ix_knowledge_article_words_word"`);
    await queryRunner.query(`DROP TABLE "knowledge_article_words"`);
    await queryRunner.query(`DROP TRIGGER "tr_knowledge_articles_search" ON "knowledge_articles"`);
    await queryRunner.query(`DROP FUNCTION knowledge_articles_search_fields()`);
    await queryRunner.query(`DROP INDEX "public"."ix_knowledge_articles_search"`);
    await queryRunner.query(`DROP INDEX "public"."uq_knowledge_articles_key_language"`);
    await queryRunner.query(`DROP TABLE "knowledge_articles"`);
    await queryRunner.query(`DROP FUNCTION kb_config(text)`);
    await queryRunner.query(`DROP FUNCTION kb_unaccent(text)`);
  }
}
