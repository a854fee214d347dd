import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ServicePlatformModule } from '@shop/platform';
import { OrdersEnv } from './orders.env';

@Module({
  imports: [
    ServicePlatformModule.forRoot({ service: 'orders', env: OrdersEnv, database: 'mongoose' }),
    MongooseModule.forRootAsync({
      inject: [OrdersEnv],
      useFactory: (env: OrdersEnv) => ({
        uri: env.MONGO_URL,
        dbName: env.ORDERS_MONGO_DB,
        serverSelectionTimeoutMS: 5_000,
      }),
    }),
  ],
})
export class OrdersAppModule {}
