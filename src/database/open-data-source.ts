import { DataSource, DataSourceOptions } from 'typeorm';
import { separateSqliteConnections } from './sqlite-connections';

/**
 * Opens the database the one way the app, the command line and the tests all use: initialise,
 * migrate when asked, then (SQLite) give it its separate writer connection.
 */
export async function openDataSource(
  options: DataSourceOptions,
  { migrate = false }: { migrate?: boolean } = {},
): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    if (migrate) await dataSource.runMigrations();
    await separateSqliteConnections(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
