import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokensModule } from '../access-tokens/access-tokens.module';
import { FirstAdminInitializer } from './first-admin.initializer';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { UsersHandlers } from './users.handlers';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), AccessTokensModule],
  controllers: [UsersHandlers],
  providers: [UsersService, PasswordHasher, FirstAdminInitializer],
})
export class UsersModule {}
