import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppModule } from './app.module';
import { buildOpenApiDocument } from './common/openapi';
import { loadConfig } from './config/configuration';

/**
 * Writes the OpenAPI document without starting a server (`npm run lint:openapi`,
 * `npm run openapi:types`): the app is built on a throwaway SQLite file, asked for its
 * document, and closed. Usage: node dist/src/write-openapi.js [out.json] (default stdout).
 */
async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
  const config = {
    ...loadConfig({}),
    sqlitePath: path.join(dir, 'openapi.sqlite'),
    databaseUrl: undefined,
    ...(process.env.PORT ? { port: Number(process.env.PORT) } : {}),
  };
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error'] });
  try {
    await app.init();
    const json = `${JSON.stringify(buildOpenApiDocument(app, config), null, 2)}\n`;
    const out = process.argv[2];
    if (out) fs.writeFileSync(out, json);
    else process.stdout.write(json);
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
