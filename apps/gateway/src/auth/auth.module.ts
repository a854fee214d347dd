import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { UsersClient } from '@shop/contracts';
import { ServiceClientsModule } from '@shop/platform';
import { AuthController } from './auth.controller';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';

@Module({
  imports: [PassportModule, ServiceClientsModule.register([{ client: UsersClient, service: 'users' }])],
  controllers: [AuthController],
  providers: [JwtStrategy, JwtAuthGuard],
  exports: [ServiceClientsModule, JwtAuthGuard],
})
export class AuthModule {}
