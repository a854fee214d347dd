// Decorators of the env classes read metadata before Nest is loaded.
import 'reflect-metadata';
import { bootstrapService, loadEnv } from '@shop/platform';
import { PaymentsEnv } from './payments.env';
import { PaymentsAppModule } from './payments-app.module';

async function main() {
  await bootstrapService(PaymentsAppModule, { service: 'payments', httpPort: loadEnv(PaymentsEnv).PAYMENTS_HTTP_PORT });
}

void main();
