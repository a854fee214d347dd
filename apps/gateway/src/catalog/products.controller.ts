import { Body, Controller, Get, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateProductCommand,
  ListProductsQuery,
  ORDERS_SERVICE,
  ProductView,
  ProductsClient,
  UpdateProductBody,
} from '@shop/contracts';
import { AdminOnlyGuard } from '../auth/admin-only.guard';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiErrors, ApiUnavailable } from '../docs/api-errors';
import { MongoIdParam } from '../http/mongo-id.param';

@ApiTags('products')
@ApiErrors(400, 500)
@ApiUnavailable(ORDERS_SERVICE)
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsClient) {}

  @Get()
  @ApiOperation({ summary: 'List the catalog' })
  @ApiOkResponse({ type: [ProductView] })
  list(@Query() query: ListProductsQuery): Promise<ProductView[]> {
    return this.products.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read one product' })
  @ApiOkResponse({ type: ProductView })
  @ApiErrors(404)
  get(@MongoIdParam() id: string): Promise<ProductView> {
    return this.products.get(id);
  }

  @Post()
  @UseGuards(JwtAuthGuard, AdminOnlyGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add a product (admin)' })
  @ApiCreatedResponse({ type: ProductView })
  @ApiErrors(401, 403, 413, 415)
  create(@Body() command: CreateProductCommand): Promise<ProductView> {
    return this.products.create(command);
  }

  @Patch(':id')
  @UseGuards(JwtAuthGuard, AdminOnlyGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the name, price or stock of a product (admin)' })
  @ApiOkResponse({ type: ProductView })
  @ApiErrors(401, 403, 404, 413, 415)
  update(@MongoIdParam() id: string, @Body() body: UpdateProductBody): Promise<ProductView> {
    return this.products.update({ ...body, productId: id });
  }
}
