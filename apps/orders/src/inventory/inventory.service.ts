import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ErrorCodes } from '@shop/contracts';
import { DomainError } from '@shop/platform';
import { Collection, Model, Types, UpdateQuery } from 'mongoose';
import { Product } from '../catalog/product.schema';

export interface StockLine {
  productId: string;
  quantity: number;
}

/**
 * Every movement is one conditional update of one product document (atomic on MongoDB, and
 * on our FerretDB build), keyed by order id so that a repeated call changes nothing.
 *
 * Written through the driver's collection, not the model: these filters and updates are
 * already in stored form, so mongoose would only spend CPU casting them again, several times
 * per order (`updatedAt` is set here, as the schema's timestamps would).
 */
@Injectable()
export class InventoryService {
  private readonly products: Collection;

  constructor(@InjectModel(Product.name) products: Model<Product>) {
    this.products = products.collection;
  }

  /** Reserves every line or none: a line that cannot be had releases what this order already holds. */
  async reserve(orderId: string, lines: StockLine[]): Promise<void> {
    for (const line of lines) {
      const isReserved = await this.reserveLine(orderId, line);
      if (!isReserved) {
        await this.release(orderId, lines);
        throw new DomainError(
          ErrorCodes.outOfStock,
          `Not enough stock of product ${line.productId}`,
        );
      }
    }
  }

  async release(orderId: string, lines: StockLine[]): Promise<void> {
    const held = `reservedBy.${orderId}`;
    for (const { productId, quantity } of lines) {
      await this.move(
        { _id: productId, [held]: { $exists: true } },
        { $inc: { stock: quantity, reserved: -quantity }, $unset: { [held]: '' } },
      );
    }
  }

  /** The sale is final: reserved units become sold. */
  async commit(orderId: string, lines: StockLine[]): Promise<void> {
    const held = `reservedBy.${orderId}`;
    for (const { productId, quantity } of lines) {
      await this.move(
        { _id: productId, [held]: { $exists: true } },
        { $inc: { reserved: -quantity, sold: quantity }, $unset: { [held]: '' } },
      );
    }
  }

  /** A confirmed order was cancelled: its sold units are available again. */
  async restock(orderId: string, lines: StockLine[]): Promise<void> {
    const returned = `returnedBy.${orderId}`;
    for (const { productId, quantity } of lines) {
      await this.move(
        { _id: productId, sold: { $gte: quantity }, [returned]: { $exists: false } },
        { $inc: { sold: -quantity, stock: quantity }, $set: { [returned]: quantity } },
      );
    }
  }

  private async reserveLine(orderId: string, { productId, quantity }: StockLine): Promise<boolean> {
    const held = `reservedBy.${orderId}`;
    const modifiedCount = await this.move(
      { _id: productId, stock: { $gte: quantity }, [held]: { $exists: false } },
      { $inc: { stock: -quantity, reserved: quantity }, $set: { [held]: quantity } },
    );
    if (modifiedCount === 1) return true;
    // Not modified: either this order holds it already (a repeat), or the stock is short.
    const holding = await this.products.findOne(
      { _id: new Types.ObjectId(productId), [held]: { $exists: true } },
      { projection: { _id: 1 } },
    );
    return holding !== null;
  }

  /** One conditional update of a product; answers whether it applied. */
  private async move(
    { _id, ...filter }: { _id: string } & Record<string, unknown>,
    update: UpdateQuery<Product>,
  ): Promise<number> {
    const { modifiedCount } = await this.products.updateOne(
      { _id: new Types.ObjectId(_id), ...filter },
      { ...update, $set: { ...update.$set, updatedAt: new Date() } },
    );
    return modifiedCount;
  }
}
