import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Shipment, ShipmentSchema } from './shipment.schema';
import { ShippingService } from './shipping.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: Shipment.name, schema: ShipmentSchema }])],
  providers: [ShippingService],
  exports: [ShippingService, MongooseModule],
})
export class ShippingModule {}
