import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Product, ProductSchema } from './product.schema';
import { ProductsHandlers } from './products.handlers';
import { ProductsService } from './products.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: Product.name, schema: ProductSchema }])],
  controllers: [ProductsHandlers],
  providers: [ProductsService],
  exports: [ProductsService, MongooseModule],
})
export class CatalogModule {}
