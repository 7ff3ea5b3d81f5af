import { MigrationInterface, QueryRunner } from "typeorm";

export class InitialSchema1795868898007 implements MigrationInterface {
    name = 'InitialSchema1795868898007'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "agents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "login" text NOT NULL, "display_name" text NOT NULL, "role" text NOT NULL DEFAULT 'agent', "skills" text array NOT NULL DEFAULT '{}', "languages" text array NOT NULL DEFAULT '{fr}', "capacity" integer NOT NULL DEFAULT '4', "password_hash" text NOT NULL, "presence" text NOT NULL DEFAULT 'offline', "duty_override" text, "last_assigned_at" TIMESTAMP WITH TIME ZONE, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9c653f28ae19c5884d5baf6a1d9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_agents_login" ON "agents"  ("login") `);
        await queryRunner.query(`CREATE TABLE "shifts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agent_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_84d692e367e4d6cdf045828768c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_shifts_agent_period" ON "shifts"  ("agent_id", "starts_at", "ends_at") `);
        await queryRunner.query(`CREATE TABLE "audit_events" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_type" text NOT NULL, "actor_id" text, "action" text NOT NULL, "subject_type" text NOT NULL, "subject_id" text, "details" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_audit_events_subject" ON "audit_events"  ("subject_type", "subject_id") `);
        await queryRunner.query(`CREATE INDEX "ix_audit_events_at" ON "audit_events"  ("at") `);
        await queryRunner.query(`CREATE TABLE "contacts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "display_name" text, "pseudonym" text NOT NULL, "legal_hold" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b99cd40cfd66a99f1571f4f72e6" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "channel_identities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contact_id" uuid NOT NULL, "channel" text NOT NULL, "channel_account" text NOT NULL DEFAULT '', "external_id" text NOT NULL, "display_name" text, "address" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6a122fcd2aad431285030ca1883" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_channel_identities_address" ON "channel_identities"  ("channel", "channel_account", "external_id") `);
        await queryRunner.query(`CREATE TABLE "conversations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contact_id" uuid NOT NULL, "identity_id" uuid NOT NULL, "channel" text NOT NULL, "status" text NOT NULL DEFAULT 'waiting', "queue" text NOT NULL DEFAULT 'general', "language" text NOT NULL DEFAULT 'fr', "priority" smallint NOT NULL DEFAULT '2', "assignee_id" uuid, "sensitive" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "waiting_since" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "assigned_at" TIMESTAMP WITH TIME ZONE, "first_agent_reply_at" TIMESTAMP WITH TIME ZONE, "last_citizen_message_at" TIMESTAMP WITH TIME ZONE, "last_agent_message_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "close_outcome" text, CONSTRAINT "PK_ee34f4f7ced4ec8681f26bf04ef" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_conversations_open_per_identity" ON "conversations"  ("identity_id") WHERE status IN ('waiting', 'assigned')`);
        await queryRunner.query(`CREATE INDEX "ix_conversations_assignee_status" ON "conversations"  ("assignee_id", "status") `);
        await queryRunner.query(`CREATE INDEX "ix_conversations_queue_order" ON "conversations"  ("status", "priority", "waiting_since") `);
        await queryRunner.query(`CREATE TABLE "assignments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "conversation_id" uuid NOT NULL, "agent_id" uuid NOT NULL, "reason" text NOT NULL, "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "ended_at" TIMESTAMP WITH TIME ZONE, "end_reason" text, CONSTRAINT "PK_c54ca359535e0012b04dcbd80ee" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_assignments_conversation" ON "assignments"  ("conversation_id", "assigned_at") `);
        await queryRunner.query(`CREATE TABLE "messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "conversation_id" uuid NOT NULL, "channel" text NOT NULL, "direction" text NOT NULL, "author_type" text NOT NULL, "author_agent_id" uuid, "text" text NOT NULL DEFAULT '', "attachments" jsonb NOT NULL DEFAULT '[]', "channel_message_id" text, "client_message_id" text, "delivery_status" text NOT NULL, "delivery_error" text, "delivery_attempts" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_messages_client_message_id" ON "messages"  ("conversation_id", "client_message_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_messages_channel_message_id" ON "messages"  ("channel", "channel_message_id") `);
        await queryRunner.query(`CREATE INDEX "ix_messages_conversation_time" ON "messages"  ("conversation_id", "created_at") `);
        await queryRunner.query(`CREATE TABLE "inbox_entries" ("id" BIGSERIAL NOT NULL, "channel" text NOT NULL, "channel_message_id" text NOT NULL, "payload" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "processed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_824ef0e35be1eaa48c074873ce8" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_inbox_entries_pending" ON "inbox_entries"  ("received_at") WHERE processed_at IS NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_inbox_entries_channel_message" ON "inbox_entries"  ("channel", "channel_message_id") `);
        await queryRunner.query(`ALTER TABLE "shifts" ADD CONSTRAINT "FK_67bc9b40928dbb021569c95f0d6" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "channel_identities" ADD CONSTRAINT "FK_fac83b300a09df4f7f4cc6637f4" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "conversations" ADD CONSTRAINT "FK_3e605129623b629ddd0583740db" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "conversations" ADD CONSTRAINT "FK_646160e55d82ad94804862f0267" FOREIGN KEY ("identity_id") REFERENCES "channel_identities"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "conversations" ADD CONSTRAINT "FK_eb33c4841a61e998a8c906fbcf1" FOREIGN KEY ("assignee_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "assignments" ADD CONSTRAINT "FK_11123bc8a7654edb67e840b44bd" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "assignments" ADD CONSTRAINT "FK_e8cfe697be8ff0498712d203c14" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "messages" ADD CONSTRAINT "FK_3bc55a7c3f9ed54b520bb5cfe23" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "messages" ADD CONSTRAINT "FK_f8a4ae44fe0c888e42443b7a520" FOREIGN KEY ("author_agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "messages" DROP CONSTRAINT "FK_f8a4ae44fe0c888e42443b7a520"`);
        await queryRunner.query(`ALTER TABLE "messages" DROP CONSTRAINT "FK_3bc55a7c3f9ed54b520bb5cfe23"`);
        await queryRunner.query(`ALTER TABLE "assignments" DROP CONSTRAINT "FK_e8cfe697be8ff0498712d203c14"`);
        await queryRunner.query(`ALTER TABLE "assignments" DROP CONSTRAINT "FK_11123bc8a7654edb67e840b44bd"`);
        await queryRunner.query(`ALTER TABLE "conversations" DROP CONSTRAINT "FK_eb33c4841a61e998a8c906fbcf1"`);
        await queryRunner.query(`ALTER TABLE "conversations" DROP CONSTRAINT "FK_646160e55d82ad94804862f0267"`);
        await queryRunner.query(`ALTER TABLE "conversations" DROP CONSTRAINT "FK_3e605129623b629ddd0583740db"`);
        await queryRunner.query(`ALTER TABLE "channel_identities" DROP CONSTRAINT "FK_fac83b300a09df4f7f4cc6637f4"`);
        await queryRunner.query(`ALTER TABLE "shifts" DROP CONSTRAINT "FK_67bc9b40928dbb021569c95f0d6"`);
        await queryRunner.query(`DROP INDEX "public"."uq_inbox_entries_channel_message"`);
        await queryRunner.query(`DROP INDEX "public"."ix_inbox_entries_pending"`);
        await queryRunner.query(`DROP TABLE "inbox_entries"`);
        await queryRunner.query(`DROP INDEX "public"."ix_messages_conversation_time"`);
        await queryRunner.query(`DROP INDEX "public"."uq_messages_channel_message_id"`);
        await queryRunner.query(`DROP INDEX "public"."uq_messages_client_message_id"`);
        await queryRunner.query(`DROP TABLE "messages"`);
        await queryRunner.query(`DROP INDEX "public"."ix_assignments_conversation"`);
        await queryRunner.query(`DROP TABLE "assignments"`);
        await queryRunner.query(`DROP INDEX "public"."ix_conversations_queue_order"`);
        await queryRunner.query(`DROP INDEX "public"."ix_conversations_assignee_status"`);
        await queryRunner.query(`DROP INDEX "public"."uq_conversations_open_per_identity"`);
        await queryRunner.query(`DROP TABLE "conversations"`);
        await queryRunner.query(`DROP INDEX "public"."uq_channel_identities_address"`);
        await queryRunner.query(`DROP TABLE "channel_identities"`);
        await queryRunner.query(`DROP TABLE "contacts"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_events_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_events_subject"`);
        await queryRunner.query(`DROP TABLE "audit_events"`);
        await queryRunner.query(`DROP INDEX "public"."ix_shifts_agent_period"`);
        await queryRunner.query(`DROP TABLE "shifts"`);
        await queryRunner.query(`DROP INDEX "public"."uq_agents_login"`);
        await queryRunner.query(`DROP TABLE "agents"`);
    }

}
