import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { PaymentEvent } from '@shop/contracts';
import type { TraceCarrier } from '@shop/platform';

/** An event waiting in the outbox for the relay to publish it. */
@Entity('payment_events')
export class PaymentEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  pattern: string;

  @Column({ type: 'jsonb' })
  payload: PaymentEvent;

  /** The request that moved the money, so the event's consumers log under the same id. */
  @Column({ name: 'correlation_id', type: 'varchar', length: 128, nullable: true })
  correlationId: string | null;

  /** Its W3C trace context, so the event continues that request's trace; null without tracing. */
  @Column({ name: 'trace_context', type: 'jsonb', nullable: true })
  traceContext: TraceCarrier | null;
}
