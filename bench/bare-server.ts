/**
 * The baseline server of `npm run bench`: a bare Node.js HTTP server answering the actions
 * list and trust readiness by running the app's own SQL straight through the driver, and
 * returning the rows as JSON. No framework, no ORM, no authentication, no mapping to DTOs.
 * Under /limit/ it answers the same questions from the bench's table of current facts
 * (bench/limit-facts.ts), which the bench builds before starting it.
 *
 *   SQLITE_PATH=... or DATABASE_URL=...  BENCH_PORT=...  node dist/bench/bare-server.js
 */
import http from 'node:http';
import { DataSource } from 'typeorm';
import { ListActionsQueryDto } from '../src/actions/dto/action-read.dto';
import { todayDate } from '../src/common/dates';
import { dataSourceOptions } from '../src/database/data-source-options';
import { ReadinessService } from '../src/readiness/readiness.service';
import { BareFactsRepository, openBareDriver } from './bare-driver';
import { limitOffTrackList, limitReadiness } from './limit-facts';
import { EVERY_TRUST } from '../src/auth/trust-access';
import { RequestContext } from '../src/common/request-context';

const NUMERIC = new Set(['organisationId', 'coreServiceId', 'ownerId', 'limit', 'offset']);

interface Statement {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * The aggregate statements the app runs for a trust's readiness, captured once by running the
 * app's ReadinessService with a repository that records instead of querying.
 */
async function readinessStatements(options: ReturnType<typeof dataSourceOptions>) {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  const statements: Statement[] = [];
  const recorder = new (class extends BareFactsRepository {
    override run<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
      statements.push({ sql, params });
      return Promise.resolve([]);
    }
  })(dataSource, { query: () => Promise.resolve([]), close: () => Promise.resolve() });
  const [{ id }] = await dataSource.query<{ id: number }[]>(
    'SELECT MIN(id) AS id FROM organisation',
  );
  // As the command line runs it: every trust held (the service refuses a trust not held).
  await RequestContext.runAs(
    undefined,
    () => new ReadinessService(dataSource, recorder).forOrganisation(Number(id)),
    EVERY_TRUST,
  );
  await dataSource.destroy();
  return statements;
}

async function main(): Promise<void> {
  const target = {
    sqlitePath: process.env.SQLITE_PATH ?? ':memory:',
    databaseUrl: process.env.DATABASE_URL || undefined,
  };
  const options = dataSourceOptions(target);
  const readiness = await readinessStatements(options);
  const driver = openBareDriver(target);
  const facts = new BareFactsRepository(new DataSource(options), driver);
  const postgres = options.type === 'postgres';
  const one = (sql: string) => (postgres ? sql.replace('?', '$1') : sql);

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query: Record<string, unknown> = {};
    for (const [key, value] of url.searchParams)
      query[key] = NUMERIC.has(key) ? Number(value) : value;
    // The API's defaults for a page.
    query.offset ??= 0;
    query.limit ??= 50;
    const asOf = todayDate();
    if (url.pathname === '/health') return void response.end('ok');
    const organisationId = Number(query.organisationId);
    const engine = postgres ? 'postgres' : 'sqlite';
    if (url.pathname.startsWith('/limit/')) {
      const limit = Number(query.limit);
      const answer =
        url.pathname === '/limit/actions'
          ? limitOffTrackList(driver, engine, organisationId, asOf, limit)
          : limitReadiness(driver, engine, organisationId, asOf);
      return void answer.then(
        (body) => {
          response.writeHead(200, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify(body));
        },
        (error: Error) => {
          response.writeHead(500);
          response.end(error.message);
        },
      );
    }
    const work =
      url.pathname === '/actions'
        ? (async () => {
            const page = await facts.findPage(query as unknown as ListActionsQueryDto, asOf);
            const people = await facts.findWithPeopleAndFindings(
              page.rows.map((r) => Number(r.id)),
              asOf,
            );
            return { items: page.rows, people: [...people.values()], total: page.total };
          })()
        : (async () => {
            const [organisation, services, ...aggregates] = await Promise.all([
              driver.query(one('SELECT * FROM organisation WHERE id = ?'), [organisationId]),
              driver.query(
                one('SELECT * FROM core_service WHERE organisation_id = ? ORDER BY name'),
                [organisationId],
              ),
              ...readiness.map((s) => facts.run(s.sql, { ...s.params, organisationId })),
            ]);
            return { organisation, services, aggregates };
          })();
    work.then(
      (body) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(body));
      },
      (error: Error) => {
        response.writeHead(500);
        response.end(error.message);
      },
    );
  });
  server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
  });
}

void main();
