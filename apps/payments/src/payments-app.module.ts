import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServicePlatformModule, migratedDataSource } from '@shop/platform';
import { paymentsDataSourceOptions } from './database/payments-data-source';
import { PaymentsEnv } from './payments.env';
import { PaymentsModule } from './payments/payments.module';

@Module({
  imports: [
    ServicePlatformModule.forRoot({ service: 'payments', env: PaymentsEnv, database: 'typeorm' }),
    TypeOrmModule.forRootAsync({
      inject: [PaymentsEnv],
      useFactory: (env: PaymentsEnv) => paymentsDataSourceOptions(env.PAYMENTS_DATABASE_URL),
      // Migrations under a lock: replicas start together.
      dataSourceFactory: migratedDataSource,
    }),
    PaymentsModule,
  ],
})
export class PaymentsAppModule {}
