/**
 * Page benchmark: the actions list page showing 100 actions, on the demo data with 100 more
 * actions planned against its findings, next to a baseline in the same run: the JSON API
 * answering the same page of the same 100 actions (same query, no template).
 *
 *   npm run bench:pages
 */
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ActionsService } from '../src/actions/actions.service';
import { AppModule } from '../src/app.module';
import { TokensService } from '../src/auth/tokens.service';
import { addDays, todayDate } from '../src/common/dates';
import { loadConfig } from '../src/config/configuration';
import { configureApp } from '../src/configure-app';
import { Finding } from '../src/findings/finding.entity';
import { User } from '../src/users/user.entity';
import { EVERY_TRUST } from '../src/auth/trust-access';
import { RequestContext } from '../src/common/request-context';

const RESULTS = path.join(__dirname, '../../bench/results');
const RUNS = 40;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time(url: string, headers: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < RUNS + 5; run++) {
    const start = process.hrtime.bigint();
    const response = await fetch(url, { headers });
    await response.text();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    if (run >= 5) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cqc-pages-bench-'));
  const config = {
    ...loadConfig({ SQLITE_PATH: path.join(dir, 'bench.db'), DEMO_DATA: 'true' }),
    port: 0,
  };
  const app = await NestFactory.create(AppModule.forRoot(config), {
    bodyParser: false,
    logger: ['error'],
  });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as import('node:http').Server;
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Grow the demo plan to well over 100 actions, through the service, as a quality lead would.
  const dataSource = app.get(DataSource);
  const findings = await dataSource.getRepository(Finding).findBy({ organisationId: 1 });
  const owner = await dataSource.getRepository(User).findOneByOrFail({ role: 'owner' });
  const actions = app.get(ActionsService);
  // As the command line does it: every trust held (outside a request no trust is).
  await RequestContext.runAs(
    undefined,
    async () => {
      for (let i = 0; i < 100; i++) {
        await actions.create({
          findingIds: [findings[i % findings.length].id],
          title: `Benchmark action ${i + 1}`,
          ownerId: owner.id,
          dueDate: addDays(todayDate(), (i % 90) - 20),
        });
      }
    },
    EVERY_TRUST,
  );
  const lead = await dataSource.getRepository(User).findOneByOrFail({ role: 'quality_lead' });
  const { token } = await app.get(TokensService).create(lead, 'bench');
  const headers = { Authorization: `Bearer ${token}` };

  const query = 'organisationId=1&limit=100';
  const api = await time(`${base}/api/v1/actions?${query}`, headers);
  const page = await time(`${base}/actions?${query}`, headers);
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const result = {
    measuredAt: new Date().toISOString(),
    runs: RUNS,
    actionsOnPage: 100,
    baseline: {
      name: 'GET /api/v1/actions (JSON)',
      medianMs: median(api),
      p95Ms: percentile(api, 95),
    },
    page: { name: 'GET /actions (HTML page)', medianMs: median(page), p95Ms: percentile(page, 95) },
  };
  const ratio = result.page.medianMs / result.baseline.medianMs;
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(
    path.join(RESULTS, 'pages.json'),
    `${JSON.stringify({ ...result, node: process.version, ratio: Number(ratio.toFixed(2)) }, null, 2)}\n`,
  );
  console.log(`Actions page of 100 actions, ${RUNS} runs each, on Node ${process.version}:`);
  console.log(
    `  API JSON (baseline): median ${result.baseline.medianMs.toFixed(1)} ms, p95 ${result.baseline.p95Ms.toFixed(1)} ms`,
  );
  console.log(
    `  HTML page:           median ${result.page.medianMs.toFixed(1)} ms, p95 ${result.page.p95Ms.toFixed(1)} ms (${ratio.toFixed(2)}x; target under 300 ms)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
