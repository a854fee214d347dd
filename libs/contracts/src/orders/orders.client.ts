import { RpcSender, idempotent } from '../common/rpc-sender';
import { ORDERS_SERVICE, OrdersPatterns, ProductsPatterns } from './orders.patterns';
import {
  CancelOrderCommand,
  GetOrderQuery,
  ListOrdersQuery,
  OrderView,
  PlaceOrderCommand,
} from './orders.dto';
import {
  CreateProductCommand,
  ListProductsQuery,
  ProductView,
  UpdateProductCommand,
} from './products.dto';

/** Typed client of the catalog the orders service owns. */
export class ProductsClient {
  static readonly service = ORDERS_SERVICE;

  constructor(private readonly rpc: RpcSender) {}

  create(command: CreateProductCommand): Promise<ProductView> {
    return this.rpc.send(ProductsPatterns.create, command);
  }

  update(command: UpdateProductCommand): Promise<ProductView> {
    return this.rpc.send(ProductsPatterns.update, command, idempotent);
  }

  get(productId: string): Promise<ProductView> {
    return this.rpc.send(ProductsPatterns.get, { productId }, idempotent);
  }

  list(query: ListProductsQuery): Promise<ProductView[]> {
    return this.rpc.send(ProductsPatterns.list, query, idempotent);
  }
}

/** Typed client of the orders service. */
export class OrdersClient {
  static readonly service = ORDERS_SERVICE;

  constructor(private readonly rpc: RpcSender) {}

  place(command: PlaceOrderCommand): Promise<OrderView> {
    // Without an Idempotency-Key a repeat would be a second order: only undelivered calls are retried.
    return this.rpc.send(OrdersPatterns.place, command, {
      idempotent: command.idempotencyKey !== undefined,
    });
  }

  get(query: GetOrderQuery): Promise<OrderView> {
    return this.rpc.send(OrdersPatterns.get, query, idempotent);
  }

  list(query: ListOrdersQuery): Promise<OrderView[]> {
    return this.rpc.send(OrdersPatterns.list, query, idempotent);
  }

  cancel(command: CancelOrderCommand): Promise<OrderView> {
    return this.rpc.send(OrdersPatterns.cancel, command, idempotent);
  }
}
