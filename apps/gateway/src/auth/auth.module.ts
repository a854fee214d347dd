import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { GatewayEnv } from '../gateway.env';
import { AuthController } from './auth.controller';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';

export const RATE_LIMIT_MESSAGE = 'Too many attempts; retry after Retry-After seconds';

@Module({
  imports: [
    PassportModule,
    ThrottlerModule.forRootAsync({
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: env.AUTH_RATE_LIMIT_PER_MINUTE }],
        // The default message, "ThrottlerException: Too Many Requests", names an internal class.
        errorMessage: RATE_LIMIT_MESSAGE,
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [JwtStrategy, JwtAuthGuard],
  exports: [JwtAuthGuard],
})
export class AuthModule {}
