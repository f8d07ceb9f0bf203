import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from './engine';

/**
 * Lets outbox and notification rows keep the W3C trace context (`traceparent`, `tracestate`,
 * `baggage`, as JSON) of the transaction that wrote them, so the publish or webhook made later,
 * maybe by another process, continues that trace. Nullable: rows written untraced, and every row
 * written before this migration, have none. Adding a nullable column rewrites no data.
 */
export class TraceContext1764000000004 implements MigrationInterface {
  name = 'TraceContext1764000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Nothing to do on PostgreSQL: on PostgreSQL the first migrations created `trace_context` with the tables.
    if (engineOf(queryRunner) === 'postgres') return;
    // TEXT: W3C baggage may be up to 8 KiB; most rows hold a 55-character traceparent or nothing.
    await queryRunner.query(`ALTER TABLE txmsg_outbox ADD COLUMN trace_context TEXT NULL`);
    await queryRunner.query(`ALTER TABLE txmsg_notification ADD COLUMN trace_context TEXT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Nothing was changed on PostgreSQL; reverting the migration that created the tables drops it all.
    if (engineOf(queryRunner) === 'postgres') return;
    await queryRunner.query(`ALTER TABLE txmsg_notification DROP COLUMN trace_context`);
    await queryRunner.query(`ALTER TABLE txmsg_outbox DROP COLUMN trace_context`);
  }
}
