import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPaymentEventTraceContext1796601600000 implements MigrationInterface {
  name = 'AddPaymentEventTraceContext1796601600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The trace of the request that moved the money, so its event continues that trace. Null
    // for events written without tracing (and for those already waiting).
    await queryRunner.query(`ALTER TABLE payment_events ADD COLUMN trace_context jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE payment_events DROP COLUMN trace_context`);
  }
}
