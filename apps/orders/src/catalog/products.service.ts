import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  CreateProductCommand,
  DEFAULT_PAGE_SIZE,
  ErrorCodes,
  ListProductsQuery,
  ProductView,
  UpdateProductCommand,
} from '@shop/contracts';
import { DomainError } from '@shop/platform';
import { Model, Types } from 'mongoose';
import { Product } from './product.schema';

const MAX_STOCK_UPDATE_ATTEMPTS = 5;

export function toProductView(product: Product & { _id: Types.ObjectId }): ProductView {
  return {
    id: product._id.toHexString(),
    name: product.name,
    description: product.description,
    priceMinor: product.priceMinor,
    currency: product.currency,
    stock: product.stock,
  };
}

@Injectable()
export class ProductsService {
  constructor(@InjectModel(Product.name) private readonly products: Model<Product>) {}

  async create(command: CreateProductCommand): Promise<ProductView> {
    const product = await this.products.create({
      ...command,
      description: command.description ?? '',
      received: command.stock,
    });
    return toProductView(product);
  }

  async get(productId: string): Promise<ProductView> {
    return toProductView(await this.getExisting(productId));
  }

  async list({ limit = DEFAULT_PAGE_SIZE, offset = 0 }: ListProductsQuery): Promise<ProductView[]> {
    const products = await this.products.find().sort({ _id: 1 }).skip(offset).limit(limit).lean();
    return products.map(toProductView);
  }

  /**
   * Loads the products of an order; every id must exist. One lookup by id each: our MongoDB
   * stand-in (FerretDB v1) pushes `_id` equality down to PostgreSQL but reads and decodes the
   * whole collection for `$in`.
   */
  async getMany(productIds: string[]): Promise<Map<string, Product & { _id: Types.ObjectId }>> {
    const products = await Promise.all(productIds.map((id) => this.products.findById(id).lean()));
    const missing = productIds.filter((_id, index) => !products[index]);
    if (missing.length > 0)
      throw new DomainError(ErrorCodes.notFound, `Unknown product ${missing.join(', ')}`);
    return new Map(products.map((product) => [product!._id.toHexString(), product!]));
  }

  async update({ productId, stock, ...changes }: UpdateProductCommand): Promise<ProductView> {
    if (Object.keys(changes).length > 0) {
      const updated = await this.products.updateOne({ _id: productId }, { $set: changes });
      if (updated.matchedCount === 0)
        throw new DomainError(ErrorCodes.notFound, 'Product not found');
    }
    if (stock !== undefined) await this.setAvailableStock(productId, stock);
    return this.get(productId);
  }

  /**
   * Sets the units available without a read-then-write race: the update only applies if the
   * stock is still what was read, and `received` moves by the same amount (conservation).
   */
  private async setAvailableStock(productId: string, stock: number): Promise<void> {
    for (let attempt = 0; attempt < MAX_STOCK_UPDATE_ATTEMPTS; attempt += 1) {
      const current = await this.getExisting(productId);
      const change = stock - current.stock;
      const { modifiedCount } = await this.products.updateOne(
        { _id: productId, stock: current.stock },
        { $set: { stock }, $inc: { received: change } },
      );
      if (modifiedCount === 1 || change === 0) return;
    }
    throw new DomainError(ErrorCodes.conflict, 'The stock changed concurrently; try again');
  }

  // Read only, never saved: the driver's plain object is what lean() would return, without
  // mongoose building and casting a query first (the catalog's hot read).
  private async getExisting(productId: string): Promise<Product & { _id: Types.ObjectId }> {
    const product = await this.products.collection.findOne<Product & { _id: Types.ObjectId }>({
      _id: new Types.ObjectId(productId),
    });
    if (!product) throw new DomainError(ErrorCodes.notFound, 'Product not found');
    return product;
  }
}
