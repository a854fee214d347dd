import { RpcSender } from '../common/rpc-sender';
import { OrdersPatterns, ProductsPatterns } from './orders.patterns';
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
  constructor(private readonly rpc: RpcSender) {}

  create(command: CreateProductCommand): Promise<ProductView> {
    return this.rpc.send(ProductsPatterns.create, command);
  }

  update(command: UpdateProductCommand): Promise<ProductView> {
    return this.rpc.send(ProductsPatterns.update, command);
  }

  get(productId: string): Promise<ProductView> {
    return this.rpc.send(ProductsPatterns.get, { productId });
  }

  list(query: ListProductsQuery): Promise<ProductView[]> {
    return this.rpc.send(ProductsPatterns.list, query);
  }
}

/** Typed client of the orders service. */
export class OrdersClient {
  constructor(private readonly rpc: RpcSender) {}

  place(command: PlaceOrderCommand): Promise<OrderView> {
    return this.rpc.send(OrdersPatterns.place, command);
  }

  get(query: GetOrderQuery): Promise<OrderView> {
    return this.rpc.send(OrdersPatterns.get, query);
  }

  list(query: ListOrdersQuery): Promise<OrderView[]> {
    return this.rpc.send(OrdersPatterns.list, query);
  }

  cancel(command: CancelOrderCommand): Promise<OrderView> {
    return this.rpc.send(OrdersPatterns.cancel, command);
  }
}
