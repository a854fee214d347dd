import { SafeTypeOrmLogger, postgresDeadlines } from '@shop/platform';
import { DataSourceOptions } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { usersMigrations } from './migrations';

export function usersDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [UserEntity],
    migrations: usersMigrations,
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
