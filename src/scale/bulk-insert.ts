import { EntityManager } from 'typeorm';

/** Bound parameters per statement: under SQLite's limit (32,766) and PostgreSQL's (65,535). */
const MAX_PARAMETERS = 30_000;

/**
 * Inserts many rows with multi-row INSERT statements, as many rows to a statement as the
 * parameter limit allows. Values are bound, never spliced into the SQL.
 */
export class BulkInserter {
  private readonly pending = new Map<string, { columns: string[]; rows: unknown[][] }>();

  constructor(
    private readonly manager: EntityManager,
    private readonly postgres: boolean,
  ) {}

  /**
   * Queues a row. When a statement's worth has queued, every table's rows go out, parents
   * first, so a child row never reaches the database before the row it refers to.
   */
  async add(table: string, row: Record<string, unknown>): Promise<void> {
    let entry = this.pending.get(table);
    if (!entry) {
      entry = { columns: Object.keys(row), rows: [] };
      this.pending.set(table, entry);
    }
    entry.rows.push(entry.columns.map((column) => row[column]));
    if ((entry.rows.length + 1) * entry.columns.length > MAX_PARAMETERS) await this.flushAll();
  }

  /** Writes every queued row, parents before children (the order tables were first added). */
  async flushAll(): Promise<void> {
    for (const table of this.pending.keys()) await this.flush(table);
  }

  private async flush(table: string): Promise<void> {
    const entry = this.pending.get(table);
    if (!entry || entry.rows.length === 0) return;
    const { columns, rows } = entry;
    let n = 0;
    const placeholder = () => (this.postgres ? `$${++n}` : '?');
    const tuples = rows.map(() => `(${columns.map(placeholder).join(', ')})`);
    await this.manager.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
      rows.flat(),
    );
    entry.rows = [];
  }
}
