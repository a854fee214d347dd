import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  CancelOrderCommand,
  DEFAULT_PAGE_SIZE,
  ErrorCodes,
  GetOrderQuery,
  ListOrdersQuery,
  OrderItemInput,
  OrderView,
  PlaceOrderCommand,
  Requester,
} from '@shop/contracts';
import { DomainError, RequestContext, captureTraceContext } from '@shop/platform';
import { ClsService } from 'nestjs-cls';
import { Model, Types } from 'mongoose';
import { ProductsService } from '../catalog/products.service';
import { OrderSagas } from './order-sagas.port';
import { Order, OrderItem, StoredOrder } from './order.schema';

/** One line per product, so an order never reserves the same product twice. */
function mergeLines(items: OrderItemInput[]): OrderItemInput[] {
  const quantities = new Map<string, number>();
  for (const { productId, quantity } of items)
    quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  return [...quantities].map(([productId, quantity]) => ({ productId, quantity }));
}

export function toOrderView(order: StoredOrder, steps: OrderView['steps'] = []): OrderView {
  return {
    id: order._id.toHexString(),
    userId: order.userId,
    status: order.status,
    items: order.items.map(({ productId, name, quantity, unitPriceMinor }) => ({
      productId,
      name,
      quantity,
      unitPriceMinor,
    })),
    totalMinor: order.totalMinor,
    currency: order.currency,
    shippingAddress: { ...order.shippingAddress },
    ...(order.failureReason && { failureReason: order.failureReason }),
    cancellationRequested: order.cancellationRequested,
    steps,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    private readonly catalog: ProductsService,
    private readonly sagas: OrderSagas,
    private readonly cls: ClsService<RequestContext>,
  ) {}

  /** Records the order as PENDING with a price snapshot and starts the place-order saga. */
  async place(command: PlaceOrderCommand): Promise<OrderView> {
    const { requester, paymentMethod, shippingAddress } = command;
    const lines = mergeLines(command.items);
    const products = await this.catalog.getMany(lines.map((line) => line.productId));
    const currencies = new Set([...products.values()].map((product) => product.currency));
    if (currencies.size > 1) {
      throw new DomainError(
        ErrorCodes.validationFailed,
        'All items of an order must be priced in one currency',
      );
    }
    const items: OrderItem[] = lines.map(({ productId, quantity }) => {
      const product = products.get(productId)!;
      return { productId, name: product.name, quantity, unitPriceMinor: product.priceMinor };
    });
    const id = new Types.ObjectId();
    const now = new Date();
    const order = new this.orders({
      _id: id,
      userId: requester.userId,
      idempotencyKey: command.idempotencyKey ?? id.toHexString(),
      items,
      totalMinor: items.reduce((total, item) => total + item.quantity * item.unitPriceMinor, 0),
      currency: [...currencies][0],
      shippingAddress,
      paymentMethod,
      correlationId: this.cls.isActive() ? this.cls.getId() : undefined,
      traceContext: captureTraceContext(),
      createdAt: now,
      updatedAt: now,
    });
    const invalid = order.validateSync();
    if (invalid) throw invalid;
    const created = order.toObject() as StoredOrder;
    // Stored with its saga in one insert: once the order exists, its placement is under way.
    if (!(await this.sagas.place(created))) {
      // The same Idempotency-Key came in before (or raced in): answer with that order.
      const winner = await this.orders
        .findOne({ userId: requester.userId, idempotencyKey: command.idempotencyKey })
        .lean();
      if (!winner)
        throw new DomainError(ErrorCodes.conflict, 'The order changed concurrently; try again');
      return this.view(winner);
    }
    // As created, without re-reading it: no step has ended this early, and a GET shows them as
    // they come.
    return toOrderView(created);
  }

  async get({ orderId, requester }: GetOrderQuery): Promise<OrderView> {
    return this.view(await this.getVisible(orderId, requester));
  }

  async list({
    requester,
    limit = DEFAULT_PAGE_SIZE,
    offset = 0,
  }: ListOrdersQuery): Promise<OrderView[]> {
    const filter = requester.role === 'admin' ? {} : { userId: requester.userId };
    const orders = await this.orders
      .find(filter)
      .sort({ _id: -1 })
      .skip(offset)
      .limit(limit)
      .lean();
    return orders.map((order) => this.view(order));
  }

  /** Cancels a confirmed order of the requester's: a refund + restock saga, at most once. */
  async cancel({ orderId, requester }: CancelOrderCommand): Promise<OrderView> {
    const order = await this.getVisible(orderId, requester);
    if (order.userId !== requester.userId)
      throw new DomainError(ErrorCodes.notFound, 'Order not found');
    if (order.status === 'PENDING')
      throw new DomainError(
        ErrorCodes.conflict,
        'The order is still being placed; cancel it once it is confirmed',
      );
    if (order.status === 'CONFIRMED' && !order.cancellationRequested) {
      const { modifiedCount } = await this.orders.updateOne(
        { _id: orderId, status: 'CONFIRMED', cancellationRequested: false },
        { $set: { cancellationRequested: true } },
      );
      // Whoever flipped the flag starts the saga; a concurrent repeat just reports.
      if (modifiedCount === 1) await this.sagas.startCancellation(order);
    }
    return this.get({ orderId, requester });
  }

  private async getVisible(orderId: string, requester: Requester): Promise<StoredOrder> {
    const order = await this.orders.findById(orderId).lean();
    // Another user's order is "not found": its existence is none of their business.
    if (!order || (order.userId !== requester.userId && requester.role !== 'admin')) {
      throw new DomainError(ErrorCodes.notFound, 'Order not found');
    }
    return order;
  }

  private view(order: StoredOrder): OrderView {
    return toOrderView(order, this.sagas.stepsOf(order));
  }
}
