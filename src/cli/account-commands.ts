import { Command } from 'commander';
import fs from 'node:fs';
import { stringify } from 'csv-stringify';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditQueryService } from '../audit/audit-query.service';
import { TOKEN_SCOPES } from '../auth/api-token.entity';
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS } from '../auth/auth.dto';
import { TokensService } from '../auth/tokens.service';
import { neutraliseCell } from '../common/spreadsheet-safe';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { readStdin, withDatabase } from './cli-context';

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function registerAccountCommands(program: Command): void {
  const users = program.command('users').description('Manage accounts');
  users
    .command('create-admin')
    .description(
      'Create the first admin (the password comes from standard input or TRACKER_ADMIN_PASSWORD)',
    )
    .requiredOption('--email <email>', 'their email address')
    .requiredOption('--name <name>', 'their name')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (options: { email: string; name: string; passwordStdin?: boolean }) => {
      const password = options.passwordStdin
        ? await readStdin()
        : process.env.TRACKER_ADMIN_PASSWORD;
      if (!password) {
        throw new Error(
          'Give the password on standard input with --password-stdin, or in TRACKER_ADMIN_PASSWORD',
        );
      }
      const created = await withDatabase(({ dataSource, transactions, audit }) =>
        new UsersService(dataSource.getRepository(User), transactions, audit).create({
          email: options.email,
          name: options.name,
          role: 'admin',
          password,
        }),
      );
      out(`Created admin ${created.name} <${created.email}> (user ${created.id}).`);
    });

  program
    .command('token')
    .description('Create a personal API token for a user (printed once)')
    .requiredOption('--email <email>', 'whose token')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--scope <scope>', 'read, read-write or admin (admin only for an admin)', 'read-write')
    .option('--expires-in-days <days>', 'days until it stops working', String(DEFAULT_TOKEN_DAYS))
    .action(
      async (options: { email: string; name: string; scope: string; expiresInDays: string }) => {
        const scope = TOKEN_SCOPES.find((s) => s === options.scope);
        if (!scope) throw new Error(`--scope must be one of ${TOKEN_SCOPES.join(', ')}`);
        const expiresInDays = Number(options.expiresInDays);
        if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > MAX_TOKEN_DAYS)
          throw new Error(`--expires-in-days must be a whole number from 1 to ${MAX_TOKEN_DAYS}`);
        const token = await withDatabase(async ({ dataSource, transactions, audit }) => {
          const user = await dataSource
            .getRepository(User)
            .findOneBy({ email: options.email.trim().toLowerCase() });
          if (!user || !user.active)
            throw new Error(`No active user has the email ${options.email}`);
          return new TokensService(dataSource, transactions, audit).create(user, {
            name: options.name,
            scope,
            expiresInDays,
          });
        });
        out(token.token);
        process.stderr.write(
          `Scope ${token.scope}; expires ${token.expiresAt ?? 'never'}. Shown this once.\n`,
        );
      },
    );

  const audit = program.command('audit').description('The audit trail');
  audit
    .command('export')
    .description('Write audit events as CSV, oldest first')
    .option('--out <file>', 'file to write (default: standard output)')
    .option('--from <date>', 'on or after YYYY-MM-DD')
    .option('--to <date>', 'on or before YYYY-MM-DD')
    .option('--entity <entity>', 'only this entity, e.g. action')
    .action(async (options: { out?: string; from?: string; to?: string; entity?: string }) => {
      const written = await withDatabase(async ({ dataSource }) => {
        const events = new AuditQueryService(dataSource.getRepository(AuditEvent)).stream(options);
        let count = 0;
        async function* rows() {
          for await (const event of events) {
            count++;
            yield [
              event.id,
              event.at,
              event.actorId,
              event.requestId,
              event.action,
              event.entity,
              event.entityId,
              event.changes ? JSON.stringify(event.changes) : '',
              event.summary ?? '',
            ].map(neutraliseCell);
          }
        }
        const target = options.out ? fs.createWriteStream(options.out) : process.stdout;
        const csv = stringify({
          header: true,
          columns: [
            'id',
            'at',
            'actor_id',
            'request_id',
            'action',
            'entity',
            'entity_id',
            'changes',
            'summary',
          ],
        });
        await pipeline(Readable.from(rows()), csv, target, { end: !!options.out });
        return count;
      });
      if (options.out) out(`Wrote ${written} audit events to ${options.out}.`);
    });
}
