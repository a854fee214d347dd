import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';

@Entity('invoices')
export class InvoiceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `INV-000123`, from a database sequence (the column's default). */
  @Column({ type: 'varchar', length: 32, insert: false, update: false })
  number: string;

  /** Unique: one invoice per payment, however often a capture is repeated. */
  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId: string;

  @Column({ name: 'order_id', type: 'varchar', length: 64 })
  orderId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'issued_at', type: 'timestamptz', insert: false, update: false })
  issuedAt: Date;

  /** Set when the payment is refunded: the invoice then counts as credited. */
  @Column({ name: 'refunded_at', type: 'timestamptz', nullable: true })
  refundedAt: Date | null;
}
