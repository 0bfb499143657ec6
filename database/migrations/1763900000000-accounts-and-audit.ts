import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumn,
  TableColumnOptions,
  TableForeignKey,
} from 'typeorm';

// Helpers are local to this migration on purpose: a landed migration must never change.
const id = (): TableColumnOptions => ({
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});
const int = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable: nullable,
});
const text = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: nullable,
});
const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const date = (name: string): TableColumnOptions => ({ name, type: 'date', isNullable: false });
const instant = (name: string, nullable = false): TableColumnOptions => varchar(name, 24, nullable);
const fk = (column: string, table: string, onDelete = 'RESTRICT'): TableForeignKey =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete,
    onUpdate: 'NO ACTION',
  });

/** Accounts (passwords, sessions, API tokens, sign-in throttling), due-date requests and the audit trail. */
export class AccountsAndAudit1763900000000 implements MigrationInterface {
  name = 'AccountsAndAudit1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('app_user', new TableColumn(varchar('password_hash', 200, true)));

    await queryRunner.createTable(
      new Table({
        name: 'user_session',
        columns: [
          id(),
          int('user_id'),
          varchar('token_hash', 64),
          varchar('csrf_token', 64),
          instant('created_at'),
          instant('last_seen_at'),
          instant('expires_at'),
        ],
        uniques: [{ columnNames: ['token_hash'] }],
        foreignKeys: [fk('user_id', 'app_user', 'CASCADE')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_token',
        columns: [
          id(),
          int('user_id'),
          varchar('name', 100),
          varchar('prefix', 16),
          varchar('token_hash', 64),
          instant('created_at'),
          instant('last_used_at', true),
          instant('revoked_at', true),
        ],
        uniques: [{ columnNames: ['token_hash'] }],
        indices: [{ name: 'ix_api_token_user', columnNames: ['user_id'] }],
        foreignKeys: [fk('user_id', 'app_user', 'CASCADE')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sign_in_throttle',
        columns: [
          { ...varchar('key', 100), isPrimary: true },
          int('failures'),
          instant('window_started_at'),
          instant('locked_until', true),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'due_date_request',
        columns: [
          id(),
          int('action_id'),
          int('requested_by_id'),
          instant('requested_at'),
          date('new_due_date'),
          text('reason'),
          varchar('state', 10),
          int('decided_by_id', true),
          instant('decided_at', true),
          text('decision_note', true),
        ],
        indices: [{ name: 'ix_due_date_request_action', columnNames: ['action_id'] }],
        foreignKeys: [
          fk('action_id', 'action'),
          fk('requested_by_id', 'app_user'),
          fk('decided_by_id', 'app_user'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_event',
        columns: [
          id(),
          instant('at'),
          int('actor_id', true),
          varchar('request_id', 36, true),
          varchar('action', 30),
          varchar('entity', 30),
          varchar('entity_id', 40, true),
          varchar('subject', 40, true),
          text('changes', true),
          varchar('summary', 500, true),
        ],
        indices: [
          { name: 'ix_audit_event_entity', columnNames: ['entity', 'entity_id'] },
          { name: 'ix_audit_event_subject', columnNames: ['subject'] },
          { name: 'ix_audit_event_at', columnNames: ['at'] },
          { name: 'ix_audit_event_actor', columnNames: ['actor_id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'audit_event',
      'due_date_request',
      'sign_in_throttle',
      'api_token',
      'user_session',
    ]) {
      await queryRunner.dropTable(table);
    }
    await queryRunner.dropColumn('app_user', 'password_hash');
  }
}
