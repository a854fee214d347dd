import './tracing';
// Decorators of the env classes read metadata before Nest is loaded.
import 'reflect-metadata';
import { bootstrapService, loadEnv, runApp } from '@shop/platform';
import mongoose from 'mongoose';
import { OrdersEnv } from './orders.env';
import { OrdersAppModule } from './orders-app.module';

// Mongoose otherwise captures a stack trace on every query, in case it fails, to point at the
// caller; our errors carry the correlation id instead, and orders runs several queries per
// message.
mongoose.set('skipOriginalStackTraces', true);

runApp(() =>
  bootstrapService(OrdersAppModule, {
    service: 'orders',
    httpPort: loadEnv(OrdersEnv).ORDERS_HTTP_PORT,
  }),
);
