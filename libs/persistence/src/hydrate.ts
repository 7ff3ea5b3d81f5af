import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity from a row returned by raw SQL (`RETURNING *`, or `row_to_json`): column names to properties,
 * timestamps given as text back to dates. Relations are left unloaded, as a repository read leaves them.
 * Lets a hot path write and read in one statement and still hand entities to the domain.
 */
export function hydrateEntity<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>, row: Record<string, unknown>): T {
  const metadata = dataSource.getMetadata(target);
  const relations = new Set(metadata.relations.map((relation) => relation.propertyName));
  const properties: Record<string, unknown> = {};
  for (const column of metadata.columns) {
    // A relation's join column holds an id, not the related entity: its own plain column carries it.
    if (relations.has(column.propertyName)) continue;
    const value = row[column.databaseName];
    properties[column.propertyName] =
      typeof value === 'string' && (column.type === 'timestamptz' || column.type === 'timestamp with time zone')
        ? new Date(value)
        : value;
  }
  return dataSource.manager.create(target, properties as T);
}
