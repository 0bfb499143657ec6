import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { TokensService } from '../src/auth/tokens.service';
import { AppConfig } from '../src/config/configuration';
import { configureApp } from '../src/configure-app';
import { User } from '../src/users/user.entity';
import { UsersService } from '../src/users/users.service';
import { createTestDatabase, TestDatabase } from './test-database';

/** Requests made as one person (an API token), or as nobody. */
export interface Client {
  get(path: string): request.Test;
  post(path: string): request.Test;
  patch(path: string): request.Test;
  delete(path: string): request.Test;
}

export interface TestApp {
  app: INestApplication;
  /** Signed in as an admin, who may do everything. */
  http: Client;
  /** Not signed in. */
  anonymous: Client;
  dataSource: DataSource;
  /** A client acting as this user, through a real API token. */
  as(user: { id: number }): Promise<Client>;
  close(): Promise<void>;
}

export function clientFor(server: unknown, token?: string): Client {
  const agent = request(server as Parameters<typeof request>[0]);
  const withToken = (test: request.Test) =>
    token ? test.set('Authorization', `Bearer ${token}`) : test;
  return {
    get: (path) => withToken(agent.get(path)),
    post: (path) => withToken(agent.post(path)),
    patch: (path) => withToken(agent.patch(path)),
    delete: (path) => withToken(agent.delete(path)),
  };
}

export interface TestAppOptions {
  demoData?: boolean;
  config?: Partial<AppConfig>;
  /** Another app on the same database (for tests of several instances). */
  database?: TestDatabase;
}

/** The real AppModule on a fresh, migrated database of its own (SQLite, or PostgreSQL in CI). */
export async function createTestApp(
  options: TestAppOptions = {},
): Promise<TestApp & { database: TestDatabase }> {
  const db: TestDatabase = options.database ?? (await createTestDatabase());
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    sqlitePath: db.sqlitePath,
    databaseUrl: db.databaseUrl,
    demoData: options.demoData ?? false,
    sessionHours: 8,
    sessionIdleMinutes: 30,
    trustProxy: false,
    cqcActionPlanDays: 28,
    ...options.config,
  };
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: ['error', 'warn'] });
  configureApp(app, config);
  await app.init();
  const server = app.getHttpServer();
  const dataSource = app.get(DataSource);
  const tokens = app.get(TokensService);

  const tokenCache = new Map<number, string>();
  async function tokenFor(userId: number): Promise<string> {
    const cached = tokenCache.get(userId);
    if (cached) return cached;
    const user = await dataSource.getRepository(User).findOneByOrFail({ id: userId });
    // The tests act with each user's full powers, so an admin's token asks for scope admin.
    const scope = user.role === 'admin' ? 'admin' : 'read-write';
    const { token } = await tokens.create(user, { name: 'test', scope });
    tokenCache.set(userId, token);
    return token;
  }

  const adminEmail = `test-admin-${Math.random().toString(36).slice(2)}@example.nhs.uk`;
  const admin = await app
    .get(UsersService)
    .create({ name: 'Test Admin', email: adminEmail, role: 'admin' });

  return {
    app,
    database: db,
    http: clientFor(server, await tokenFor(admin.id)),
    anonymous: clientFor(server),
    dataSource,
    as: async (user) => clientFor(server, await tokenFor(user.id)),
    close: async () => {
      await app.close();
      if (!options.database) await db.drop();
    },
  };
}
