import { Module } from '@nestjs/common';
import { OrdersClient, PaymentsClient, ProductsClient, UsersClient } from '@shop/contracts';
import {
  EnvModule,
  CorrelationModule,
  LoggingModule,
  MetricsModule,
  ServiceClientsModule,
  TracingModule,
} from '@shop/platform';
import { AuthModule } from './auth/auth.module';
import { BillingModule } from './billing/billing.module';
import { CatalogModule } from './catalog/catalog.module';
import { OrdersModule } from './orders/orders.module';
import { GatewayEnv } from './gateway.env';
import { HealthModule } from './health/health.module';
import { HttpDrain } from './http/http-drain';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    EnvModule.forRoot(GatewayEnv),
    CorrelationModule,
    LoggingModule.forRoot('gateway'),
    MetricsModule.forRoot('gateway'),
    TracingModule,
    ServiceClientsModule.register([UsersClient, ProductsClient, OrdersClient, PaymentsClient]),
    AuthModule,
    UsersModule,
    CatalogModule,
    OrdersModule,
    BillingModule,
    HealthModule,
  ],
  providers: [HttpDrain],
})
export class GatewayAppModule {}
