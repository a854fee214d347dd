import { Module } from '@nestjs/common';
import { DomainEventPublisher } from '@shop/platform';
import { ClsService } from 'nestjs-cls';
import { OrdersEnv } from '../orders.env';
import { CatalogModule } from '../catalog/catalog.module';
import { TaskLeases } from '../leases/task-leases';
import { SagasModule } from '../sagas/sagas.module';
import { OrderEventsRelay } from './order-events.relay';
import { OrdersHandlers } from './orders.handlers';
import { OrdersService } from './orders.service';
import { UnstartedOrdersSweeper } from './unstarted-orders.sweeper';

@Module({
  imports: [CatalogModule, SagasModule],
  controllers: [OrdersHandlers],
  providers: [
    OrdersService,
    OrderEventsRelay,
    UnstartedOrdersSweeper,
    TaskLeases,
    {
      provide: DomainEventPublisher,
      inject: [OrdersEnv, ClsService],
      useFactory: (env: OrdersEnv, cls: ClsService) =>
        new DomainEventPublisher(env.RABBITMQ_URL, env.RMQ_QUEUE_PREFIX, cls),
    },
  ],
})
export class OrdersModule {}
