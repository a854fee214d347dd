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
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ListOrdersFilter, OrderView, OrdersClient, PlaceOrderBody } from '@shop/contracts';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { AuthenticatedUser, CurrentUser } from '../auth/authenticated-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ErrorResponse } from '../docs/error-response';
import { MongoIdParam } from '../http/mongo-id.param';

function requesterOf(user: AuthenticatedUser) {
  return { userId: user.id, role: user.role };
}

@ApiTags('orders')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: 'Missing, malformed, wrongly signed or expired token',
})
@ApiServiceUnavailableResponse({
  type: ErrorResponse,
  description: 'A service is unavailable; retry after Retry-After seconds',
})
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
  })
  @ApiAcceptedResponse({
    type: OrderView,
    description: 'Accepted; the order is PENDING until its saga ends. Location names it.',
  })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'A product does not exist' })
  async place(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: PlaceOrderBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    const order = await this.orders.place({
      ...body,
      requester: requesterOf(user),
      // Without a key of the client's, one per request still makes a redelivered or retried
      // message the same order, never a second one.
      idempotencyKey: idempotencyKey ?? `gateway:${randomUUID()}`,
    });
    response.location(`/api/orders/${order.id}`);
    return order;
  }

  @Get()
  @ApiOkResponse({
    type: [OrderView],
    description: 'Own orders, newest first (all orders for admins)',
  })
  @ApiBadRequestResponse({ type: ErrorResponse })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() page: ListOrdersFilter,
  ): Promise<OrderView[]> {
    return this.orders.list({ ...page, requester: requesterOf(user) });
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderView })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'id is not a 24-character hex id' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such order of yours' })
  get(@CurrentUser() user: AuthenticatedUser, @MongoIdParam() id: string): Promise<OrderView> {
    return this.orders.get({ orderId: id, requester: requesterOf(user) });
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: OrderView,
    description: 'Accepted; refund and restock follow, then the order is CANCELLED',
  })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'id is not a 24-character hex id' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such order of yours' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The order is still being placed' })
  cancel(@CurrentUser() user: AuthenticatedUser, @MongoIdParam() id: string): Promise<OrderView> {
    return this.orders.cancel({ orderId: id, requester: requesterOf(user) });
  }
}
