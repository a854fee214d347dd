import { DataSource, DataSourceOptions } from 'typeorm';

// Any fixed number; every app of the platform may share it, each owns its own database.
const MIGRATIONS_LOCK_KEY = 7_324_001;

/**
 * Connects and applies pending migrations while holding a PostgreSQL advisory lock, for
 * `TypeOrmModule`'s `dataSourceFactory`. TypeORM takes no lock itself: replicas starting
 * together (a scale-out, a rollout) would both run the same migration and one would crash on
 * "relation already exists". Whoever waits finds the migrations applied and runs none.
 *
 * @example
 * TypeOrmModule.forRootAsync({ useFactory: () => options, dataSourceFactory: migratedDataSource })
 */
export async function migratedDataSource(options?: DataSourceOptions): Promise<DataSource> {
  if (!options) throw new Error('migratedDataSource needs the data source options');
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  // A session lock: held by this one connection, released with it should the process die.
  const lockHolder = dataSource.createQueryRunner();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK_KEY]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lockHolder
      .query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK_KEY])
      .catch(() => undefined);
    await lockHolder.release();
  }
  return dataSource;
}
