import { SafeTypeOrmLogger, postgresDeadlines } from '@shop/platform';
import { DataSourceOptions } from 'typeorm';
import { PaymentEventEntity } from '../events/payment-event.entity';
import { InvoiceEntity } from '../invoices/invoice.entity';
import { PaymentEntity } from '../payments/payment.entity';
import { paymentsMigrations } from './migrations';

export function paymentsDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [PaymentEntity, InvoiceEntity, PaymentEventEntity],
    migrations: paymentsMigrations,
    // Schema changes are migrations, applied at start-up under a lock (migratedDataSource),
    // never `synchronize`.
    migrationsRun: false,
    synchronize: false,
    logger: new SafeTypeOrmLogger(),
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: 1_000,
    ...postgresDeadlines,
  };
}
