/** The steps of the place-order saga (apps/orders/src/place-order/place-order.saga.ts), in order. */
export const placeOrderSteps = [
  'validate-user',
  'reserve-inventory',
  'authorize-payment',
  'schedule-shipping',
  'capture-payment',
  'confirm-order',
];
