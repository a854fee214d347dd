import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Collection, Model } from 'mongoose';
import { Shipment } from './shipment.schema';

const DISPATCH_DELAY_MS = 24 * 60 * 60 * 1000;

/**
 * Written through the driver's collection: saga steps call it once per order, with values
 * already in stored form, so the model's casting would be wasted work. The schema's timestamps
 * are set here.
 */
@Injectable()
export class ShippingService {
  private readonly shipments: Collection<Shipment>;

  constructor(@InjectModel(Shipment.name) shipments: Model<Shipment>) {
    this.shipments = shipments.db.collection<Shipment>(shipments.collection.collectionName);
  }

  /** Schedules dispatch for the next day; a repeat for the same order changes nothing. */
  async schedule(
    orderId: string,
    address: Record<string, string>,
    now = new Date(),
  ): Promise<void> {
    await this.shipments.updateOne(
      { _id: orderId },
      {
        $setOnInsert: {
          status: 'SCHEDULED',
          scheduledFor: new Date(now.getTime() + DISPATCH_DELAY_MS),
          address,
          createdAt: now,
          updatedAt: now,
        },
      },
      { upsert: true },
    );
  }

  async cancel(orderId: string): Promise<void> {
    await this.shipments.updateOne(
      { _id: orderId, status: 'SCHEDULED' },
      { $set: { status: 'CANCELLED', updatedAt: new Date() } },
    );
  }
}
