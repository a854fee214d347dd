import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CancelOrderCommand,
  GetOrderQuery,
  ListOrdersQuery,
  OrdersPatterns,
  PlaceOrderCommand,
} from '@shop/contracts';
import { OrdersService } from './orders.service';

@Controller()
export class OrdersHandlers {
  constructor(private readonly orders: OrdersService) {}

  @MessagePattern(OrdersPatterns.place)
  place(@Payload() command: PlaceOrderCommand) {
    return this.orders.place(command);
  }

  @MessagePattern(OrdersPatterns.get)
  get(@Payload() query: GetOrderQuery) {
    return this.orders.get(query);
  }

  @MessagePattern(OrdersPatterns.list)
  list(@Payload() query: ListOrdersQuery) {
    return this.orders.list(query);
  }

  @MessagePattern(OrdersPatterns.cancel)
  cancel(@Payload() command: CancelOrderCommand) {
    return this.orders.cancel(command);
  }
}
