import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateProductCommand,
  GetProductQuery,
  ListProductsQuery,
  ProductsPatterns,
  UpdateProductCommand,
} from '@shop/contracts';
import { ProductsService } from './products.service';

@Controller()
export class ProductsHandlers {
  constructor(private readonly products: ProductsService) {}

  @MessagePattern(ProductsPatterns.create)
  create(@Payload() command: CreateProductCommand) {
    return this.products.create(command);
  }

  @MessagePattern(ProductsPatterns.update)
  update(@Payload() command: UpdateProductCommand) {
    return this.products.update(command);
  }

  @MessagePattern(ProductsPatterns.get)
  get(@Payload() query: GetProductQuery) {
    return this.products.get(query.productId);
  }

  @MessagePattern(ProductsPatterns.list)
  list(@Payload() query: ListProductsQuery) {
    return this.products.list(query);
  }
}
