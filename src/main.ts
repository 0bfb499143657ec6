import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config/configuration';
import { configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
    // `npm run start:demo` asks for the demo data (and accepts its published password) explicitly.
    if (process.argv.includes('--demo')) config = { ...config, demoData: true };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await NestFactory.create(AppModule.forRoot(config), { bodyParser: false });
  configureApp(app, config);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const where =
    (config.databaseUrl ? 'PostgreSQL' : `SQLite at ${config.sqlitePath}`) +
    (config.demoData ? ', demo mode' : '');
  new Logger('Tracker').log(
    `CQC Action Tracker on http://${config.host}:${config.port} (${where}); API docs at /api/docs`,
  );
}

void bootstrap();
