import { Column, ColumnOptions } from 'typeorm';

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
