import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Citizens are answered in French, English, German, Italian and Spanish: the triage menu names each topic in the
 * citizen's language. French and English keep their columns; the other languages' names are kept together, and the
 * seeded topics get theirs.
 */
export class QueueNameTranslations1795925100000 implements MigrationInterface {
  name = 'QueueNameTranslations1795925100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queues" ADD "name_translations" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `UPDATE "queues" q SET "name_translations" = t.names
         FROM (VALUES
           ('general', '{"de": "Eine Frage, eine Auskunft", "it": "Una domanda, un’informazione", "es": "Una pregunta, una información"}'::jsonb),
           ('offence', '{"de": "Eine Straftat melden (Diebstahl, Betrug, Sachbeschädigung…)", "it": "Segnalare un reato (furto, truffa, danneggiamento…)", "es": "Denunciar una infracción (robo, estafa, daños…)"}'::jsonb),
           ('violence', '{"de": "Gewalt, einschließlich sexueller und sexistischer Gewalt", "it": "Violenze, comprese le violenze sessuali e sessiste", "es": "Violencia, incluida la violencia sexual y sexista"}'::jsonb),
           ('procedure', '{"de": "Ein laufendes Verfahren verfolgen", "it": "Seguire una procedura in corso", "es": "Seguir un procedimiento en curso"}'::jsonb),
           ('recruitment', '{"de": "Gendarm werden (Einstellung)", "it": "Diventare gendarme (reclutamento)", "es": "Ser gendarme (reclutamiento)"}'::jsonb)
         ) AS t(key, names)
        WHERE q.key = t.key`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queues" DROP COLUMN "name_translations"`);
  }
}
