import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePaymentsAndInvoices1764115200000 implements MigrationInterface {
  name = 'CreatePaymentsAndInvoices1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // PENDING exists only inside the transaction that asks the processor; it is never committed.
    await queryRunner.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id varchar(64) NOT NULL,
        idempotency_key varchar(200),
        user_id uuid,
        status varchar(16) NOT NULL
          CHECK (status IN ('PENDING', 'AUTHORIZED', 'DECLINED', 'CAPTURED', 'VOIDED', 'REFUNDED')),
        amount_minor bigint CHECK (amount_minor > 0),
        currency char(3) CHECK (currency ~ '^[A-Z]{3}$'),
        decline_reason varchar(64),
        status_reason varchar(200),
        processor_reference varchar(128),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- One payment per order makes every command idempotent and closes the race of a
        -- late authorization against the saga's void.
        CONSTRAINT payments_order_id_key UNIQUE (order_id),
        CONSTRAINT payments_idempotency_key_key UNIQUE (idempotency_key),
        -- A void that came before any authorization leaves a tombstone without payer or amount.
        CONSTRAINT payments_tombstone_is_voided CHECK (
          (idempotency_key IS NOT NULL AND user_id IS NOT NULL AND amount_minor IS NOT NULL AND currency IS NOT NULL)
          OR (status = 'VOIDED' AND idempotency_key IS NULL AND user_id IS NULL AND amount_minor IS NULL AND currency IS NULL)
        ),
        CONSTRAINT payments_decline_has_reason CHECK ((status = 'DECLINED') = (decline_reason IS NOT NULL)),
        CONSTRAINT payments_approval_has_reference CHECK (
          status NOT IN ('AUTHORIZED', 'CAPTURED', 'REFUNDED') OR processor_reference IS NOT NULL
        )
      )`);
    await queryRunner.query(`CREATE INDEX payments_user_id_idx ON payments (user_id)`);

    await queryRunner.query(`CREATE SEQUENCE invoice_number_seq`);
    // Zero-padded to six digits and never truncated beyond: INV-000123, INV-1234567.
    await queryRunner.query(`
      CREATE FUNCTION next_invoice_number() RETURNS text LANGUAGE sql VOLATILE AS $$
        SELECT 'INV-' || lpad(n::text, greatest(6, length(n::text)), '0') FROM nextval('invoice_number_seq') AS n
      $$`);
    await queryRunner.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(32) NOT NULL DEFAULT next_invoice_number(),
        payment_id uuid NOT NULL REFERENCES payments (id),
        order_id varchar(64) NOT NULL,
        user_id uuid NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        issued_at timestamptz NOT NULL DEFAULT now(),
        refunded_at timestamptz,
        CONSTRAINT invoices_number_key UNIQUE (number),
        -- A repeated capture can never issue a second invoice.
        CONSTRAINT invoices_payment_id_key UNIQUE (payment_id)
      )`);
    await queryRunner.query(`CREATE INDEX invoices_user_id_idx ON invoices (user_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE invoices`);
    await queryRunner.query(`DROP FUNCTION next_invoice_number()`);
    await queryRunner.query(`DROP SEQUENCE invoice_number_seq`);
    await queryRunner.query(`DROP TABLE payments`);
  }
}
