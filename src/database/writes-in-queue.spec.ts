import fs from 'node:fs';
import path from 'node:path';

/**
 * Every write goes through the write queue (write-queue.ts): on SQLite a write made anywhere
 * else lands on the reads' connection, outside the queue, and can collide with or be rolled
 * back by another request's transaction (issue 14: a staged upload written that way vanished
 * in someone else's dry run). Writes take an `EntityManager` handed out by
 * `Transactions.run` / `writeTransaction`; this scan finds the other ways of writing.
 */
const WRITE_METHODS =
  'save|insert|update|delete|remove|upsert|increment|decrement|clear|softDelete|restore';
const WRITE_SQL = /\b(INSERT|UPDATE|DELETE|REPLACE|ANALYZE|VACUUM|CREATE|DROP|ALTER)\b/i;
/** The only files allowed to open transactions themselves. */
const TRANSACTION_OWNERS = new Set(['database/write-queue.ts']);

export function writesOutsideQueue(source: string, file = 'example.ts'): string[] {
  const found: string[] = [];
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const report = (index: number, what: string) => found.push(`${file}:${lineOf(index)} ${what}`);

  if (!TRANSACTION_OWNERS.has(file)) {
    for (const m of source.matchAll(/\.transaction\s*\(/g)) {
      report(m.index, 'opens its own transaction (use Transactions.run)');
    }
  }
  // Injected repositories are for reading: `this.things.save(...)` writes outside the queue.
  const repositories = [...source.matchAll(/(\w+)\s*:\s*Repository</g)].map((m) => m[1]);
  for (const name of repositories) {
    const write = new RegExp(`this\\.${name}\\s*\\.\\s*(${WRITE_METHODS})\\s*\\(`, 'g');
    for (const m of source.matchAll(write)) report(m.index, `writes through repository ${name}`);
    const builder = new RegExp(
      `this\\.${name}\\s*\\.\\s*createQueryBuilder\\([^;]*?\\.(insert|update|delete)\\(`,
      'gs',
    );
    for (const m of source.matchAll(builder)) report(m.index, `query builder write on ${name}`);
  }
  // The data source itself: its manager, its repositories, its raw queries.
  const onDataSource = new RegExp(
    `dataSource\\s*\\.\\s*(manager\\s*\\.\\s*(${WRITE_METHODS})|getRepository\\([^)]*\\)\\s*\\.\\s*(${WRITE_METHODS}))\\s*\\(`,
    'g',
  );
  for (const m of source.matchAll(onDataSource)) report(m.index, 'writes through the data source');
  for (const m of source.matchAll(
    /dataSource\s*\.\s*(manager\s*\.\s*)?query\s*(<[^>]*>)?\(\s*([`'"])([\s\S]*?)\3/g,
  )) {
    if (WRITE_SQL.test(m[4])) report(m.index, 'raw write SQL on the data source');
  }
  for (const m of source.matchAll(
    /dataSource\s*\.\s*createQueryBuilder\([^;]*?\.(insert|update|delete)\(/gs,
  )) {
    report(m.index, 'query builder write on the data source');
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

describe('every write goes through the write queue', () => {
  const root = path.join(__dirname, '..');

  it('finds no repository, data-source or raw-SQL write outside it anywhere under src/', () => {
    const found = sourceFiles(root).flatMap((file) =>
      writesOutsideQueue(fs.readFileSync(file, 'utf8'), path.relative(root, file)),
    );
    expect(found).toEqual([]);
  });

  it('would catch each way of writing outside the queue', () => {
    const samples = [
      `constructor(@InjectRepository(S) private readonly staged: Repository<S>) {}
       f() { return this.staged.save(this.staged.create({})); }`,
      `constructor(private readonly staged: Repository<S>) {} f() { this.staged.delete({ id }); }`,
      `f() { return this.dataSource.transaction((m) => m.save(x)); }`,
      `f() { return this.dataSource.manager.save(x); }`,
      `f() { return this.dataSource.getRepository(User).update(1, {}); }`,
      "f() { return dataSource.query(`UPDATE app_user SET name = 'x'`); }",
      "f() { return dataSource.query('ANALYZE'); }",
      `f() { return this.dataSource.createQueryBuilder().delete().from(User).execute(); }`,
    ];
    for (const sample of samples) expect(writesOutsideQueue(sample)).toHaveLength(1);
  });

  it('lets reads and writes through a transaction manager pass', () => {
    const fine = `constructor(private readonly users: Repository<User>) {}
      list() { return this.users.createQueryBuilder('u').where('u.id = 1').getMany(); }
      count() { return this.dataSource.query('SELECT COUNT(*) FROM action'); }
      change() { return this.transactions.run((manager) => manager.save(User, {})); }`;
    expect(writesOutsideQueue(fine)).toEqual([]);
  });
});
