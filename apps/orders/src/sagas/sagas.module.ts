import { Module } from '@nestjs/common';
import { MongooseModule, getModelToken } from '@nestjs/mongoose';
import { PaymentsClient, UsersClient } from '@shop/contracts';
import { DomainEventPublisher, ServiceClientsModule } from '@shop/platform';
import { SagaOrchestrator } from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { Model } from 'mongoose';
import { CancelOrderSaga } from '../cancel-order/cancel-order.saga';
import { InventoryModule } from '../inventory/inventory.module';
import { OrderStatusService } from '../orders/order-status.service';
import { Order, OrderSchema } from '../orders/order.schema';
import { OrderSagas } from '../orders/order-sagas.port';
import { OrdersEnv } from '../orders.env';
import { PlaceOrderSaga } from '../place-order/place-order.saga';
import { ShippingModule } from '../shipping/shipping.module';
import { MongoSagaStore } from './mongo-saga.store';
import { OrderSagasAdapter } from './order-sagas.adapter';
import { SagaFailureReasons } from './saga-failure-reasons';
import { LegacySagasMigration } from './legacy-sagas.migration';
import { SagaRuntime } from './saga-runtime';
import { orderSagaHomes } from './saga-homes';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: Order.name, schema: OrderSchema }]),
    // Saga steps own the retries of their calls (see place-order.saga.ts): one attempt per call.
    ServiceClientsModule.register([UsersClient, PaymentsClient], { attemptsPerCall: 1 }),
    InventoryModule,
    ShippingModule,
  ],
  providers: [
    {
      provide: MongoSagaStore,
      inject: [getModelToken(Order.name)],
      useFactory: (orders: Model<Order>) =>
        new MongoSagaStore(orders.db.collection(orders.collection.collectionName), orderSagaHomes),
    },
    SagaFailureReasons,
    OrderStatusService,
    PlaceOrderSaga,
    CancelOrderSaga,
    {
      provide: SagaOrchestrator,
      inject: [MongoSagaStore, PlaceOrderSaga, CancelOrderSaga, OrdersEnv],
      useFactory: (
        store: MongoSagaStore,
        placeOrder: PlaceOrderSaga,
        cancelOrder: CancelOrderSaga,
        env: OrdersEnv,
      ) =>
        new SagaOrchestrator({
          store,
          definitions: [placeOrder.definition, cancelOrder.definition],
          leaseMs: env.SAGA_LEASE_MS,
        }),
    },
    LegacySagasMigration,
    SagaRuntime,
    { provide: OrderSagas, useClass: OrderSagasAdapter },
    // The saga announces confirmations, the order events relay everything else.
    {
      provide: DomainEventPublisher,
      inject: [OrdersEnv, ClsService],
      useFactory: (env: OrdersEnv, cls: ClsService) =>
        new DomainEventPublisher(env.RABBITMQ_URL, env.RMQ_QUEUE_PREFIX, cls),
    },
  ],
  exports: [OrderSagas, OrderStatusService, DomainEventPublisher, MongooseModule],
})
export class SagasModule {}
