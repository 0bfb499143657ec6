import { Column, ColumnOptions, ColumnType } from 'typeorm';

/**
 * Column shapes shared by every entity. Instants are ISO-8601 UTC text (see common/dates.ts)
 * so that SQLite and PostgreSQL store, sort and compare them identically; calendar dates use
 * the portable `date` type, which TypeORM hands back as `YYYY-MM-DD` strings on both.
 */
export const TIMESTAMP_LENGTH = 24;

export function TimestampColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: TIMESTAMP_LENGTH, ...options });
}

export function DateColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'date', ...options });
}

/**
 * Raw bytes: SQLite calls the type `blob`, PostgreSQL `bytea`, and TypeORM knows no name
 * that both accept. Both drivers read and write a Node `Buffer`. Decorators run when the
 * entity file is imported, before anyone knows which database will be opened, so the type
 * is read lazily: TypeORM reads `type` when it builds the metadata, at `initialize()`, by
 * which time `dataSourceOptions` has said which engine (`useBlobTypeOf`).
 */
let blobType: ColumnType = 'blob';

export function useBlobTypeOf(engine: 'sqlite' | 'postgres'): void {
  blobType = engine === 'postgres' ? 'bytea' : 'blob';
}

/** The same choice for a migration, which knows its engine from its query runner. */
export function blobTypeOf(engine: string): 'blob' | 'bytea' {
  return engine === 'postgres' ? 'bytea' : 'blob';
}

export function BlobColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  const withType = { ...options } as ColumnOptions;
  Object.defineProperty(withType, 'type', { enumerable: true, get: () => blobType });
  return Column(withType);
}
