// Decorators of the env classes read metadata before Nest is loaded.
import 'reflect-metadata';
import { bootstrapService, loadEnv, runApp } from '@shop/platform';
import mongoose from 'mongoose';
import { OrdersEnv } from './orders.env';
import { OrdersAppModule } from './orders-app.module';

// Otherwise every query captures a stack trace, only to explain running a query twice.
mongoose.set('skipOriginalStackTraces', true);

runApp(async () => {
  await bootstrapService(OrdersAppModule, {
    service: 'orders',
    httpPort: loadEnv(OrdersEnv).ORDERS_HTTP_PORT,
  });
});
