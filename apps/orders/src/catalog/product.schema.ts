import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/**
 * A product and its inventory in one document, so every stock movement is one atomic update.
 * Units are always in exactly one of `stock` (available), `reserved` or `sold`, and
 * `stock + reserved + sold === received` (all units ever made available) holds after every update.
 */
@Schema({ collection: 'products', timestamps: true, versionKey: false })
export class Product {
  @Prop({ required: true })
  name: string;

  @Prop({ default: '' })
  description: string;

  @Prop({ required: true })
  priceMinor: number;

  @Prop({ required: true })
  currency: string;

  @Prop({ required: true, min: 0 })
  stock: number;

  @Prop({ default: 0, min: 0 })
  reserved: number;

  @Prop({ default: 0, min: 0 })
  sold: number;

  @Prop({ required: true, min: 0 })
  received: number;

  /** Units held per order id: makes reserve, release and commit idempotent per order. */
  @Prop({ type: Object, default: {} })
  reservedBy: Record<string, number>;

  /** Units given back per cancelled confirmed order: makes restocking idempotent. */
  @Prop({ type: Object, default: {} })
  returnedBy: Record<string, number>;

  createdAt: Date;
}

export type ProductDocument = HydratedDocument<Product>;
export const ProductSchema = SchemaFactory.createForClass(Product);
