import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ErrorCodes } from '@shop/contracts';
import { DomainError } from '@shop/platform';
import { Model } from 'mongoose';
import { Product } from '../catalog/product.schema';

export interface StockLine {
  productId: string;
  quantity: number;
}

/**
 * Every movement is one conditional update of one product document (atomic on MongoDB, and
 * on our FerretDB build), keyed by order id so that a repeated call changes nothing.
 */
@Injectable()
export class InventoryService {
  constructor(@InjectModel(Product.name) private readonly products: Model<Product>) {}

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
      await this.products.updateOne(
        { _id: productId, [held]: { $exists: true } },
        { $inc: { stock: quantity, reserved: -quantity }, $unset: { [held]: '' } },
      );
    }
  }

  /** The sale is final: reserved units become sold. */
  async commit(orderId: string, lines: StockLine[]): Promise<void> {
    const held = `reservedBy.${orderId}`;
    for (const { productId, quantity } of lines) {
      await this.products.updateOne(
        { _id: productId, [held]: { $exists: true } },
        { $inc: { reserved: -quantity, sold: quantity }, $unset: { [held]: '' } },
      );
    }
  }

  /** A confirmed order was cancelled: its sold units are available again. */
  async restock(orderId: string, lines: StockLine[]): Promise<void> {
    const returned = `returnedBy.${orderId}`;
    for (const { productId, quantity } of lines) {
      await this.products.updateOne(
        { _id: productId, sold: { $gte: quantity }, [returned]: { $exists: false } },
        { $inc: { sold: -quantity, stock: quantity }, $set: { [returned]: quantity } },
      );
    }
  }

  private async reserveLine(orderId: string, { productId, quantity }: StockLine): Promise<boolean> {
    const held = `reservedBy.${orderId}`;
    const { modifiedCount } = await this.products.updateOne(
      { _id: productId, stock: { $gte: quantity }, [held]: { $exists: false } },
      { $inc: { stock: -quantity, reserved: quantity }, $set: { [held]: quantity } },
    );
    if (modifiedCount === 1) return true;
    // Not modified: either this order holds it already (a repeat), or the stock is short.
    return this.products.exists({ _id: productId, [held]: { $exists: true } }).then(Boolean);
  }
}
