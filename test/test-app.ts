import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/configure-app';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  http: TestAgent;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** The real AppModule on a fresh, migrated database of its own (SQLite, or PostgreSQL in CI). */
export async function createTestApp(options: { demoData?: boolean } = {}): Promise<TestApp> {
  const db: TestDatabase = await createTestDatabase();
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.forRoot({
        port: 0,
        host: '127.0.0.1',
        sqlitePath: db.sqlitePath,
        databaseUrl: db.databaseUrl,
        demoData: options.demoData ?? false,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: ['error', 'warn'] });
  configureApp(app);
  await app.init();
  return {
    app,
    http: request(app.getHttpServer()),
    dataSource: app.get(DataSource),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
