import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

export const ShipmentStatuses = ['SCHEDULED', 'CANCELLED'] as const;
export type ShipmentStatus = (typeof ShipmentStatuses)[number];

/** One shipment per order: the order id is the key, which makes scheduling idempotent. */
@Schema({ collection: 'shipments', timestamps: true, versionKey: false })
export class Shipment {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ type: String, enum: ShipmentStatuses, required: true }) status: ShipmentStatus;
  @Prop({ required: true }) scheduledFor: Date;
  @Prop({ type: Object, required: true }) address: Record<string, string>;
}

export type ShipmentDocument = HydratedDocument<Shipment>;
export const ShipmentSchema = SchemaFactory.createForClass(Shipment);
