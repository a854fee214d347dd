import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * The entity of a row a statement answered with `RETURNING *`, converted as TypeORM converts
 * what it reads (column names, types, transformers), so that one statement both changes a row
 * and reads it back.
 */
export function entityFromRow<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    const value = manager.connection.driver.prepareHydratedValue(row[column.databaseName], column);
    column.setEntityValue(entity, value);
  }
  return entity;
}
