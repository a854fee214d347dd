/** RMQ patterns served by the orders service (catalog, inventory, orders). */
export const ProductsPatterns = {
  create: 'products.create.v1',
  update: 'products.update.v1',
  get: 'products.get.v1',
  list: 'products.list.v1',
} as const;

export const OrdersPatterns = {
  place: 'orders.place.v1',
  get: 'orders.get.v1',
  list: 'orders.list.v1',
  cancel: 'orders.cancel.v1',
} as const;

/** Domain events the orders service emits once an order reaches a terminal state. */
export const OrderEvents = {
  confirmed: 'order.confirmed.v1',
  cancelled: 'order.cancelled.v1',
} as const;

export const ORDERS_SERVICE = 'orders';
