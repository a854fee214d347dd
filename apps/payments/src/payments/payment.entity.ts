import { PaymentStatus } from '@shop/contracts';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';

/** PENDING is written only inside the authorizing transaction and never seen by anyone else. */
export type PaymentRecordStatus = PaymentStatus | 'PENDING';

@Entity('payments')
export class PaymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Unique: one payment per order. */
  @Column({ name: 'order_id', type: 'varchar', length: 64 })
  orderId: string;

  /** Key of the authorization that created the payment; null on a void tombstone. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 200, nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: PaymentRecordStatus;

  @Column({ name: 'amount_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  amountMinor: number | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ name: 'decline_reason', type: 'varchar', length: 64, nullable: true })
  declineReason: string | null;

  /** Why the payment was voided or refunded, as the caller said. */
  @Column({ name: 'status_reason', type: 'varchar', length: 200, nullable: true })
  statusReason: string | null;

  @Column({ name: 'processor_reference', type: 'varchar', length: 128, nullable: true })
  processorReference: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
