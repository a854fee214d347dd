// Decorators of the env classes read metadata before Nest is loaded.
import 'reflect-metadata';
import { bootstrapService, loadEnv, runApp } from '@shop/platform';
import { OrdersEnv } from './orders.env';
import { OrdersAppModule } from './orders-app.module';

runApp(async () => {
  await bootstrapService(OrdersAppModule, {
    service: 'orders',
    httpPort: loadEnv(OrdersEnv).ORDERS_HTTP_PORT,
  });
});
