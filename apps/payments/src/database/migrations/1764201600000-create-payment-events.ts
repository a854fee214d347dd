import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePaymentEvents1764201600000 implements MigrationInterface {
  name = 'CreatePaymentEvents1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The outbox: written in the transaction that moves the money, emptied by the relay once
    // the broker confirmed the event. The identity keeps events in the order they happened.
    await queryRunner.query(`
      CREATE TABLE payment_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        pattern varchar(100) NOT NULL,
        payload jsonb NOT NULL,
        correlation_id varchar(128),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payment_events`);
  }
}
