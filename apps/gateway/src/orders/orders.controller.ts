import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  Formats,
  ListOrdersFilter,
  ORDERS_SERVICE,
  OrderView,
  OrdersClient,
  PlaceOrderBody,
} from '@shop/contracts';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AuthenticatedUser, CurrentUser } from '../auth/authenticated-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiErrors, ApiUnavailable } from '../docs/api-errors';
import { MongoIdParam } from '../http/mongo-id.param';

function requesterOf(user: AuthenticatedUser) {
  return { userId: user.id, role: user.role };
}

@ApiTags('orders')
@ApiBearerAuth()
@ApiErrors(400, 401, 500)
@ApiUnavailable(ORDERS_SERVICE)
@UseGuards(JwtAuthGuard)
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersClient) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeating a request with the same key returns the same order',
    schema: { type: 'string', pattern: Formats.idempotencyKey.source },
  })
  @ApiOperation({ summary: 'Place an order; its saga runs after the answer' })
  @ApiAcceptedResponse({
    type: OrderView,
    description: 'Accepted; the order is PENDING until its saga ends. Location names it.',
    headers: {
      Location: {
        description: 'Where the order can be read',
        schema: { type: 'string', example: '/api/orders/6745f0c2a1b2c3d4e5f60719' },
      },
    },
  })
  @ApiErrors(404, 413, 415)
  async place(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: PlaceOrderBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderView> {
    const order = await this.orders.place({
      ...body,
      requester: requesterOf(user),
      // Without a key of the client's, one per request still makes a redelivered or retried
      // message the same order, never a second one.
      idempotencyKey: idempotencyKey ?? `gateway:${randomUUID()}`,
    });
    reply.header('Location', `/api/orders/${order.id}`);
    return order;
  }

  @Get()
  @ApiOperation({ summary: 'List the own orders (all orders for admins)' })
  @ApiOkResponse({
    type: [OrderView],
    description: 'Own orders, newest first (all orders for admins)',
  })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() page: ListOrdersFilter,
  ): Promise<OrderView[]> {
    return this.orders.list({ ...page, requester: requesterOf(user) });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read one order with its saga steps' })
  @ApiOkResponse({ type: OrderView })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthenticatedUser, @MongoIdParam() id: string): Promise<OrderView> {
    return this.orders.get({ orderId: id, requester: requesterOf(user) });
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Cancel a confirmed order: refund, restock, cancel the shipment' })
  @ApiAcceptedResponse({
    type: OrderView,
    description: 'Accepted; refund and restock follow, then the order is CANCELLED',
  })
  @ApiErrors(404, 409)
  cancel(@CurrentUser() user: AuthenticatedUser, @MongoIdParam() id: string): Promise<OrderView> {
    return this.orders.cancel({ orderId: id, requester: requesterOf(user) });
  }
}
