import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { createTestDatabase, TestDatabase } from '../test-database';

/**
 * The real app as a separate process (`node dist/src/main.js`, built by `npm run build`), so a
 * test can kill it with SIGKILL and start it again on the same database, as an operator would.
 */
const ROOT = path.join(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');
const CLI = path.join(ROOT, 'dist/src/cli.js');

export const DEMO_PASSWORD = 'cqc-tracker-demo-2026';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class AppProcess {
  private child?: ChildProcess;
  readonly url: string;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the app and waits until it answers /health with 200. */
  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--max-old-space-size=512', MAIN], {
      env: { ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    this.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`The app exited: ${stderr}`);
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The app did not become healthy in 60 s: ${stderr}`);
  }

  /** kill -9: no shutdown hooks, no closing of the database. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** A fresh database (SQLite file, or a PostgreSQL database when DATABASE_URL is set). */
export class Deployment {
  private constructor(
    readonly database: TestDatabase,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(): Promise<Deployment> {
    const database = await createTestDatabase();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DEMO_DATA: 'true',
      SQLITE_PATH: database.databaseUrl ? '' : database.sqlitePath,
      DATABASE_URL: database.databaseUrl ?? '',
    };
    return new Deployment(database, env);
  }

  get postgres(): boolean {
    return !!this.database.databaseUrl;
  }

  async app(): Promise<AppProcess> {
    return new AppProcess(this.env, await freePort());
  }

  /** A personal API token, made with the command line as an operator would. */
  token(email: string): string {
    const out = execFileSync(
      process.execPath,
      [CLI, 'token', '--email', email, '--name', 'reliability'],
      {
        env: this.env,
        encoding: 'utf8',
      },
    );
    const token = /cqct_[A-Za-z0-9_-]+/.exec(out)?.[0];
    if (!token) throw new Error(`No token in: ${out}`);
    return token;
  }

  cli(...args: string[]): string {
    return execFileSync(process.execPath, [CLI, ...args], { env: this.env, encoding: 'utf8' });
  }

  /** A direct connection for checking what the database holds. */
  async connect(): Promise<DataSource> {
    const dataSource = new DataSource(
      dataSourceOptions({
        sqlitePath: this.database.sqlitePath,
        databaseUrl: this.database.databaseUrl,
      }),
    );
    return dataSource.initialize();
  }

  drop(): Promise<void> {
    return this.database.drop();
  }
}

export interface Answer {
  status: number;
  body: unknown;
}

/** One request; a network failure or a hang past `timeoutMs` is status 0, never a throw. */
export async function call(
  url: string,
  token: string,
  options: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: options.method ?? 'GET',
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body };
  } catch {
    return { status: 0, body: null };
  }
}
