import { Body, Controller, Get, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  CreateProductCommand,
  ListProductsQuery,
  ProductView,
  ProductsClient,
  UpdateProductBody,
} from '@shop/contracts';
import { AdminOnlyGuard } from '../auth/admin-only.guard';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ErrorResponse } from '../docs/error-response';
import { MongoIdParam } from '../http/mongo-id.param';

@ApiTags('products')
@ApiBadRequestResponse({
  type: ErrorResponse,
  description: 'A field or parameter is missing, unknown or invalid',
})
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsClient) {}

  @Get()
  @ApiOkResponse({ type: [ProductView] })
  list(@Query() query: ListProductsQuery): Promise<ProductView[]> {
    return this.products.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ProductView })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@MongoIdParam() id: string): Promise<ProductView> {
    return this.products.get(id);
  }

  @Post()
  @UseGuards(JwtAuthGuard, AdminOnlyGuard)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: ProductView })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'Not an admin' })
  create(@Body() command: CreateProductCommand): Promise<ProductView> {
    return this.products.create(command);
  }

  @Patch(':id')
  @UseGuards(JwtAuthGuard, AdminOnlyGuard)
  @ApiBearerAuth()
  @ApiOkResponse({ type: ProductView })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'Not an admin' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  update(@MongoIdParam() id: string, @Body() body: UpdateProductBody): Promise<ProductView> {
    return this.products.update({ ...body, productId: id });
  }
}
