import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over conversation messages (desk search, docs/desk.md).
 *
 * Two text search configurations, `brigade_french` and `brigade_english`, are copies of PostgreSQL's own with the
 * `unaccent` dictionary (extension created by the KnowledgeBase migration) placed before the stemmer: "vehicule" finds
 * "véhicule". Unlike the knowledge base, which folds the text with its immutable `kb_unaccent` wrapper before
 * `to_tsvector`, the folding happens inside the configuration so that `ts_headline` can mark the matching words in the
 * original, accented text the desk shows.
 *
 * `messages.search_vector` is a stored generated column (French and English lexemes of the text): no trigger on the
 * hot insert path, and a search filtering one agent's conversations reads the stored vector instead of parsing every
 * text again. The GIN index keeps PostgreSQL's fast update, because messages are written all day: a new message goes
 * to the index's pending list (one page append) instead of one index insertion per word, which halves the cost of an
 * INSERT (bench/message-search.ts). Every search reads that whole list, though, until it is merged: with the default
 * 4 MB list a search spent ~100 ms there on the loaded benchmark machine, so the list is kept to 512 kB (merged by the
 * insert that fills it, or by autovacuum). The knowledge base turned fast update off: it is read-mostly.
 *
 * Results come newest first, 20 at a time: for a common word ("plainte" is in one message in five) PostgreSQL walks
 * `ix_messages_search_recent` backwards and stops at the 20th match instead of reading every match through the GIN
 * index and sorting them. One more B-tree on an always-increasing key: the cheapest kind to insert into.
 */
// Kept literally here (not imported from the entity): a migration never changes after it lands.
const SEARCH_VECTOR = `to_tsvector('public.brigade_french'::regconfig, "text") || to_tsvector('public.brigade_english'::regconfig, "text")`;

export class MessageSearch1796040000000 implements MigrationInterface {
  name = 'MessageSearch1796040000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    for (const language of ['french', 'english']) {
      await queryRunner.query(`CREATE TEXT SEARCH CONFIGURATION brigade_${language} ( COPY = pg_catalog.${language} )`);
      await queryRunner.query(
        `ALTER TEXT SEARCH CONFIGURATION brigade_${language}
           ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, ${language}_stem`,
      );
    }
    await queryRunner.query(`ALTER TABLE "messages" ADD "search_vector" tsvector GENERATED ALWAYS AS (${SEARCH_VECTOR}) STORED NOT NULL`);
    // TypeORM reads a generated column's expression from its metadata table (what migration:generate would write,
    // for whichever database the migration runs in).
    await queryRunner.query(
      `INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value")
       VALUES (current_database(), 'public', 'messages', 'GENERATED_COLUMN', 'search_vector', $1)`,
      [SEARCH_VECTOR],
    );
    await queryRunner.query(
      `CREATE INDEX "ix_messages_search" ON "messages" USING gin ("search_vector") WITH (gin_pending_list_limit = 512)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_messages_search_recent" ON "messages" ("created_at", "id") `);
    // The planner chooses between the two indexes from how common each word is: keep the frequencies of many words.
    await queryRunner.query(`ALTER TABLE "messages" ALTER COLUMN "search_vector" SET STATISTICS 1000`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_messages_search_recent"`);
    await queryRunner.query(`DROP INDEX "public"."ix_messages_search"`);
    await queryRunner.query(
      `DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN' AND "name" = 'search_vector'
         AND "database" = current_database() AND "schema" = 'public' AND "table" = 'messages'`,
    );
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "search_vector"`);
    await queryRunner.query(`DROP TEXT SEARCH CONFIGURATION brigade_english`);
    await queryRunner.query(`DROP TEXT SEARCH CONFIGURATION brigade_french`);
  }
}
