import { Injectable } from '@nestjs/common';
import { PaymentsClient } from '@shop/contracts';
import { RequestContext } from '@shop/platform';
import { SagaDefinition } from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { InventoryService } from '../inventory/inventory.service';
import { OrderStatusService } from '../orders/order-status.service';
import { PlaceOrderData } from '../place-order/place-order.saga';
import { inOriginalContext } from '../sagas/saga-step-context';
import { ShippingService } from '../shipping/shipping.service';

export const CANCEL_ORDER_SAGA = 'cancel-order';
export const CUSTOMER_CANCELLATION_REASON = 'Cancelled by the customer';

export function cancellationSagaId(orderId: string): string {
  return `${orderId}:cancel`;
}

/**
 * Cancels a confirmed order: refund, restock, cancel the shipment, then mark it CANCELLED.
 * The refund is the pivot, so every step is retried forward until it succeeds: a cancelled
 * order never keeps the customer's money, and a refunded one is always restocked.
 */
@Injectable()
export class CancelOrderSaga {
  readonly definition: SagaDefinition<PlaceOrderData>;

  constructor(
    payments: PaymentsClient,
    inventory: InventoryService,
    shipping: ShippingService,
    orderStatus: OrderStatusService,
    cls: ClsService<RequestContext>,
  ) {
    this.definition = {
      name: CANCEL_ORDER_SAGA,
      steps: [
        {
          name: 'refund-payment',
          pivot: true,
          action: ({ data, idempotencyKey }) =>
            inOriginalContext(
              cls,
              data,
              async () =>
                void (await payments.refund({
                  idempotencyKey,
                  orderId: data.orderId,
                  reason: CUSTOMER_CANCELLATION_REASON,
                })),
            ),
        },
        {
          name: 'restock-inventory',
          action: ({ data }) => inventory.restock(data.orderId, data.lines),
        },
        { name: 'cancel-shipment', action: ({ data }) => shipping.cancel(data.orderId) },
        {
          name: 'mark-cancelled',
          action: ({ data }) => orderStatus.cancel(data.orderId, CUSTOMER_CANCELLATION_REASON),
        },
      ],
    };
  }
}
