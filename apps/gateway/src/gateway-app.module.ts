import { Module } from '@nestjs/common';
import { EnvModule, httpCorrelationOptions } from '@shop/platform';
import { ClsModule } from 'nestjs-cls';
import { AuthModule } from './auth/auth.module';
import { GatewayEnv } from './gateway.env';
import { HealthModule } from './health/health.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [EnvModule.forRoot(GatewayEnv), ClsModule.forRoot(httpCorrelationOptions()), AuthModule, UsersModule, HealthModule],
})
export class GatewayAppModule {}
