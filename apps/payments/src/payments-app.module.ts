import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvModule, ServiceHealthModule, SafeTypeOrmLogger, rpcCorrelationOptions } from '@shop/platform';
import { ClsModule } from 'nestjs-cls';
import { PaymentsEnv } from './payments.env';

@Module({
  imports: [
    EnvModule.forRoot(PaymentsEnv),
    ServiceHealthModule.forTypeOrm(),
    ClsModule.forRoot(rpcCorrelationOptions()),
    TypeOrmModule.forRootAsync({
      inject: [PaymentsEnv],
      useFactory: (env: PaymentsEnv) => ({
        type: 'postgres',
        url: env.PAYMENTS_DATABASE_URL,
        entities: [],
        migrations: [],
        migrationsRun: true,
        synchronize: false,
        logger: new SafeTypeOrmLogger(),
        logging: ['error', 'warn', 'migration'],
      }),
    }),
  ],
})
export class PaymentsAppModule {}
