import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { TABLES_CHILD_FIRST } from '../src/demo/demo-loader';
import { createTestDatabase, TestDatabase } from './test-database';

describe('database schema', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(db));
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('matches the entities exactly once the migrations have run', async () => {
    // What `synchronize` would do to make the tables fit the entities: nothing, if they agree.
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('empties every table on a demo reset or generate (a table left out stops PostgreSQL TRUNCATE)', () => {
    const tables = dataSource.entityMetadatas
      .filter((metadata) => metadata.tableType !== 'view')
      .map((metadata) => metadata.tableName);
    expect([...TABLES_CHILD_FIRST].sort()).toEqual([...new Set(tables)].sort());
  });

  it('runs SQLite in WAL mode with a busy timeout and foreign keys on', async () => {
    if (dataSource.options.type !== 'sqlite') return;
    expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await dataSource.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    expect(await dataSource.query('PRAGMA busy_timeout')).toEqual([{ timeout: 10000 }]);
  });

  it('undoes every migration cleanly', async () => {
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query(
      dataSource.options.type === 'postgres'
        ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'"
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence')",
    );
    expect(tables).toEqual([]);
    await dataSource.runMigrations();
  });

  it('puts existing non-admin users into every existing trust when memberships arrive', async () => {
    // Back to the schema before memberships (and any migration after it), with two trusts,
    // an owner and an admin.
    const applied = async (): Promise<string[]> =>
      (await dataSource.query<{ name: string }[]>('SELECT name FROM migrations')).map(
        (row) => row.name,
      );
    while ((await applied()).includes('OrganisationMemberships1764400000000')) {
      await dataSource.undoLastMigration();
    }
    const now = '2026-01-01T00:00:00.000Z';
    for (const [name, ods] of [
      ['Trust A', 'TA1'],
      ['Trust B', 'TB1'],
    ]) {
      await dataSource.query(
        `INSERT INTO organisation (name, ods_code, kind, created_at, updated_at) VALUES ('${name}', '${ods}', 'acute', '${now}', '${now}')`,
      );
    }
    for (const [email, role] of [
      ['owner@example.nhs.uk', 'owner'],
      ['admin@example.nhs.uk', 'admin'],
    ]) {
      await dataSource.query(
        `INSERT INTO app_user (name, email, role, active, created_at, updated_at) VALUES ('${role}', '${email}', '${role}', ${dataSource.options.type === 'postgres' ? 'true' : '1'}, '${now}', '${now}')`,
      );
    }
    await dataSource.runMigrations();
    const rows: { email: string; role: string; name: string }[] = await dataSource.query(
      `SELECT u.email, m.role, o.name FROM organisation_membership m
       JOIN app_user u ON u.id = m.user_id JOIN organisation o ON o.id = m.organisation_id
       ORDER BY o.name`,
    );
    expect(rows).toEqual([
      { email: 'owner@example.nhs.uk', role: 'owner', name: 'Trust A' },
      { email: 'owner@example.nhs.uk', role: 'owner', name: 'Trust B' },
    ]);
  });
  it("moves each existing warning notice's deadline into one failing when failings arrive", async () => {
    while (
      (await dataSource.query<{ name: string }[]>('SELECT name FROM migrations')).some(
        (row) => row.name === 'FindingFailings1764900000000',
      )
    ) {
      await dataSource.undoLastMigration();
    }
    const now = '2026-01-01T00:00:00.000Z';
    await dataSource.query(
      `INSERT INTO organisation (name, ods_code, kind, created_at, updated_at) VALUES ('Trust W', 'TW1', 'acute', '${now}', '${now}')`,
    );
    const [{ id: organisationId }] = await dataSource.query<{ id: number }[]>(
      "SELECT id FROM organisation WHERE ods_code = 'TW1'",
    );
    for (const [type, deadline, text] of [
      ['WARNING_NOTICE', "'2022-07-31'", 'Fire safety'],
      ['MUST', 'NULL', 'Training'],
    ]) {
      await dataSource.query(
        `INSERT INTO finding (organisation_id, type, deadline, regulations, text, source, version, created_at, updated_at)
         VALUES (${Number(organisationId)}, '${type}', ${deadline}, '[]', '${text}', 'manual', 1, '${now}', '${now}')`,
      );
    }
    await dataSource.runMigrations();
    const rows = await dataSource.query(
      `SELECT ff.position AS position, ff.text AS text, ff.deadline AS deadline, f.type AS type
       FROM finding_failing ff JOIN finding f ON f.id = ff.finding_id WHERE f.organisation_id = ${Number(organisationId)}`,
    );
    expect(rows.map((r: { position: number }) => ({ ...r, position: Number(r.position) }))).toEqual(
      [{ position: 1, text: 'Fire safety', deadline: '2022-07-31', type: 'WARNING_NOTICE' }],
    );
  });
});
