import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServicePlatformModule, migratedDataSource } from '@shop/platform';
import { usersDataSourceOptions } from './database/users-data-source';
import { UsersEnv } from './users.env';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ServicePlatformModule.forRoot({ service: 'users', env: UsersEnv, database: 'typeorm' }),
    TypeOrmModule.forRootAsync({
      inject: [UsersEnv],
      useFactory: (env: UsersEnv) => usersDataSourceOptions(env.USERS_DATABASE_URL),
      // Migrations under a lock: replicas start together.
      dataSourceFactory: migratedDataSource,
    }),
    UsersModule,
  ],
})
export class UsersAppModule {}
