import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles';
import { writesGetThrough } from './write-probe';

/**
 * Tells a load balancer the truth: 200 only when the database answers, is migrated, and a
 * write gets through within two seconds.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Public()
  @ApiOkResponse({ description: 'The app and its database are up' })
  @ApiServiceUnavailableResponse({
    description:
      'The database is down, not migrated, or a write cannot get through within 2 seconds ("writes blocked")',
  })
  async check(@Res({ passthrough: true }) response: Response) {
    const database = { type: this.dataSource.options.type, status: 'up', pendingMigrations: 0 };
    try {
      await this.dataSource.query('SELECT 1');
      database.pendingMigrations = (await this.dataSource.showMigrations()) ? 1 : 0;
      if (database.pendingMigrations) database.status = 'migrations pending';
      else if (!(await writesGetThrough(this.dataSource))) database.status = 'writes blocked';
    } catch {
      database.status = 'down';
    }
    const ok = database.status === 'up';
    response.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', database };
  }
}
