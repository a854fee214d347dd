import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EnvModule, ServiceHealthModule, rpcCorrelationOptions } from '@shop/platform';
import { ClsModule } from 'nestjs-cls';
import { OrdersEnv } from './orders.env';

@Module({
  imports: [
    EnvModule.forRoot(OrdersEnv),
    ServiceHealthModule.forMongoose(),
    ClsModule.forRoot(rpcCorrelationOptions()),
    MongooseModule.forRootAsync({
      inject: [OrdersEnv],
      useFactory: (env: OrdersEnv) => ({ uri: env.MONGO_URL, dbName: env.ORDERS_MONGO_DB, serverSelectionTimeoutMS: 5_000 }),
    }),
  ],
})
export class OrdersAppModule {}
