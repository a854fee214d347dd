import { Injectable } from '@nestjs/common';
import { ErrorCodes, PaymentsClient, UsersClient } from '@shop/contracts';
import { DomainError, RequestContext, isTransientServiceError } from '@shop/platform';
import { SagaDefinition, SagaStepRetryOptions, exponential } from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { InventoryService, StockLine } from '../inventory/inventory.service';
import { OrderStatusService } from '../orders/order-status.service';
import { RequestOrigin, inOriginalContext } from '../sagas/saga-step-context';
import { SagaFailureReasons } from '../sagas/saga-failure-reasons';
import { ShippingService } from '../shipping/shipping.service';

export const PLACE_ORDER_SAGA = 'place-order';

export interface PlaceOrderData extends RequestOrigin {
  orderId: string;
  lines: StockLine[];
  totalMinor: number;
  currency: string;
  paymentMethod: string;
  shippingAddress: Record<string, string>;
}

/**
 * Remote steps before the pivot try a few times, within a deadline, then the saga compensates.
 * The step owns the retries of its calls: the orders service's clients make one attempt per
 * call (sagas.module.ts), so a step sends at most `maxAttempts` messages. A call rejected by an
 * open breaker is not retried: the step fails at once and the saga compensates (see
 * docs/retries.md).
 */
export const remoteStepRetry: SagaStepRetryOptions = {
  maxAttempts: 5,
  deadlineMs: 10_000,
  backoff: exponential({ initialDelayMs: 200, maxDelayMs: 2_000 }),
  isTransient: isTransientServiceError,
};

/**
 * validate-user with reserve-inventory → authorize-payment with schedule-shipping →
 * capture-payment (pivot) → confirm-order. The steps of a pair need nothing from each other, so
 * they run at once and the saga is written once per pair (four writes after its creation
 * instead of six), each step still persisted before and after it runs. The saga is created in
 * the insert of its order, and its completion confirms the order (saga-homes.ts). A failure
 * before the pivot compensates in reverse what succeeded; the first step's compensation
 * cancels the order with the saga's failure reason, so it always runs last.
 */
@Injectable()
export class PlaceOrderSaga {
  readonly definition: SagaDefinition<PlaceOrderData>;

  /**
   * Releases what the order holds and cancels it with the saga's failure reason; every part
   * is a conditional update, so running it again changes nothing. The first step's
   * compensation runs it; so does {@link OrderSagasAdapter.settlePlacement} for a saga whose
   * first step failed (a failed step is not compensated, so nothing else would).
   */
  readonly cancelOrder: (sagaId: string, data: PlaceOrderData) => Promise<void>;

  constructor(
    users: UsersClient,
    payments: PaymentsClient,
    inventory: InventoryService,
    shipping: ShippingService,
    orderStatus: OrderStatusService,
    failureReasons: SagaFailureReasons,
    cls: ClsService<RequestContext>,
  ) {
    this.cancelOrder = (sagaId, data) =>
      inOriginalContext(cls, data, async () => {
        await inventory.release(data.orderId, data.lines);
        await orderStatus.cancel(data.orderId, await failureReasons.of(sagaId));
      });
    this.definition = {
      name: PLACE_ORDER_SAGA,
      steps: [
        {
          name: 'validate-user',
          retry: remoteStepRetry,
          action: ({ data }) =>
            inOriginalContext(cls, data, async () => void (await users.validate(data.userId))),
          // Runs last when anything fails. Releasing again is a no-op for what the reserve step
          // undid already, and frees units of a reserve step that failed half-way.
          compensate: ({ sagaId, data }) => this.cancelOrder(sagaId, data),
        },
        {
          name: 'reserve-inventory',
          // Reserving for a user who turns out invalid costs a release; waiting costs a write.
          runsWithPrevious: true,
          action: ({ data }) => inventory.reserve(data.orderId, data.lines),
          compensate: ({ data }) => inventory.release(data.orderId, data.lines),
        },
        {
          name: 'authorize-payment',
          retry: remoteStepRetry,
          action: ({ data, idempotencyKey }) =>
            inOriginalContext(cls, data, async () => {
              const payment = await payments.authorize({
                idempotencyKey,
                orderId: data.orderId,
                userId: data.userId,
                amountMinor: data.totalMinor,
                currency: data.currency,
                paymentMethod: data.paymentMethod,
              });
              if (payment.status !== 'AUTHORIZED') {
                throw new DomainError(
                  ErrorCodes.paymentDeclined,
                  `Payment ${payment.status.toLowerCase()}: ${payment.declineReason ?? 'no reason given'}`,
                );
              }
            }),
          // A timed-out authorization may still be carried out once payments catches up with its
          // queue, so a failed one is voided too (a declined or unknown payment is kept as it is).
          compensatesFailedAction: true,
          // Sent through the broker, which keeps it while payments is down: compensation never waits on it.
          compensate: ({ data, idempotencyKey }) =>
            inOriginalContext(cls, data, () =>
              payments.requestVoid({ idempotencyKey, orderId: data.orderId }),
            ),
        },
        {
          name: 'schedule-shipping',
          // Scheduled while the payment is authorized; cancelled again if it is declined.
          runsWithPrevious: true,
          action: ({ data }) => shipping.schedule(data.orderId, data.shippingAddress),
          compensate: ({ data }) => shipping.cancel(data.orderId),
        },
        {
          name: 'capture-payment',
          pivot: true,
          action: ({ data, idempotencyKey }) =>
            inOriginalContext(
              cls,
              data,
              async () => void (await payments.capture({ idempotencyKey, orderId: data.orderId })),
            ),
        },
        {
          name: 'confirm-order',
          action: ({ data }) =>
            inOriginalContext(cls, data, async () => {
              await inventory.commit(data.orderId, data.lines);
              // The saga's completion, written next, confirms the order (saga-homes.ts).
              await orderStatus.announceConfirmation(data, data.correlationId);
            }),
        },
      ],
    };
  }
}
