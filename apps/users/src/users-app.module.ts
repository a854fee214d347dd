import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvModule, ServiceHealthModule, rpcCorrelationOptions } from '@shop/platform';
import { ClsModule } from 'nestjs-cls';
import { usersDataSourceOptions } from './database/users-data-source';
import { UsersEnv } from './users.env';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    EnvModule.forRoot(UsersEnv),
    ServiceHealthModule.forTypeOrm(),
    ClsModule.forRoot(rpcCorrelationOptions()),
    TypeOrmModule.forRootAsync({
      inject: [UsersEnv],
      useFactory: (env: UsersEnv) => usersDataSourceOptions(env.USERS_DATABASE_URL),
    }),
    UsersModule,
  ],
})
export class UsersAppModule {}
