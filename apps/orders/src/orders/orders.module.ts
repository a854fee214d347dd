import { Module } from '@nestjs/common';
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
  providers: [OrdersService, OrderEventsRelay, UnstartedOrdersSweeper, TaskLeases],
})
export class OrdersModule {}
