import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { Shipment } from './shipment.schema';

const DISPATCH_DELAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class ShippingService {
  constructor(@InjectModel(Shipment.name) private readonly shipments: Model<Shipment>) {}

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
        },
      },
      { upsert: true },
    );
  }

  async cancel(orderId: string): Promise<void> {
    await this.shipments.updateOne({ _id: orderId }, { $set: { status: 'CANCELLED' } });
  }
}
