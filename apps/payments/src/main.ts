import './tracing';
// Decorators of the env classes read metadata before Nest is loaded.
import 'reflect-metadata';
import { PAYMENTS_SERVICE } from '@shop/contracts';
import { bootstrapService, loadEnv, runApp } from '@shop/platform';
import { PaymentsEnv } from './payments.env';
import { PaymentsAppModule } from './payments-app.module';

runApp(() =>
  bootstrapService(PaymentsAppModule, {
    service: PAYMENTS_SERVICE,
    httpPort: loadEnv(PaymentsEnv).PAYMENTS_HTTP_PORT,
  }),
);
