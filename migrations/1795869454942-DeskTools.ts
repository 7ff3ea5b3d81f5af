import { MigrationInterface, QueryRunner } from 'typeorm';

/** Desk tools: canned replies (with a French starter set) and free tags on conversations. */
export class DeskTools1795869454942 implements MigrationInterface {
  name = 'DeskTools1795869454942';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "canned_replies" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "shortcut" text NOT NULL, "title" text NOT NULL, "text" text NOT NULL, "language" text NOT NULL DEFAULT 'fr', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_canned_replies" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_canned_replies_language_shortcut" ON "canned_replies" ("language", "shortcut") `,
    );
    await queryRunner.query(`ALTER TABLE "conversations" ADD "tags" text array NOT NULL DEFAULT '{}'`);
    const starterSet: [string, string, string][] = [
      ['bonjour', 'Accueil', 'Bonjour, je suis gendarme à la brigade numérique. Comment puis-je vous aider ?'],
      [
        'urgence',
        'Urgence : appeler le 17',
        'Si vous êtes en danger ou si la situation est urgente, appelez immédiatement le 17 ou le 112. Si vous ne pouvez pas parler, envoyez un SMS au 114.',
      ],
      [
        'plainte',
        'Déposer plainte',
        'Pour déposer plainte, vous pouvez vous présenter dans toute brigade de gendarmerie ou tout commissariat. Vous pouvez aussi faire une pré-plainte en ligne sur pre-plainte-en-ligne.gouv.fr.',
      ],
      [
        'violences',
        'Violences conjugales',
        'Vous n’êtes pas seule. Le 3919 est gratuit, anonyme et joignable 24 h sur 24. En cas de danger immédiat, appelez le 17.',
      ],
      [
        'escroquerie',
        'Escroquerie en ligne',
        'Ne transmettez plus d’argent ni de code. Conservez les preuves (captures, messages) et signalez les faits sur la plateforme THESEE ou en brigade.',
      ],
      ['attente', 'Merci de patienter', 'Je consulte les informations nécessaires, merci de patienter quelques instants.'],
      [
        'cloture',
        'Clôture',
        'Je vous remercie de votre message. N’hésitez pas à nous recontacter à tout moment. Bonne journée.',
      ],
    ];
    for (const [shortcut, title, text] of starterSet) {
      await queryRunner.query(`INSERT INTO "canned_replies" ("shortcut", "title", "text", "language") VALUES ($1, $2, $3, 'fr')`, [
        shortcut,
        title,
        text,
      ]);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "tags"`);
    await queryRunner.query(`DROP INDEX "public"."uq_canned_replies_language_shortcut"`);
    await queryRunner.query(`DROP TABLE "canned_replies"`);
  }
}
