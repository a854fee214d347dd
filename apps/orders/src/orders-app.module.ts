import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ServicePlatformModule } from '@shop/platform';
import { CatalogModule } from './catalog/catalog.module';
import { OrdersEnv } from './orders.env';
import { OrdersModule } from './orders/orders.module';

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
    CatalogModule,
    OrdersModule,
  ],
})
export class OrdersAppModule {}
