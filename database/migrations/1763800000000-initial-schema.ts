import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumnOptions,
  TableForeignKey,
} from 'typeorm';

// Helpers are local to this migration on purpose: a landed migration must never change, so
// it must not share code that a later change could alter.
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
const bool = (name: string): TableColumnOptions => ({ name, type: 'boolean', isNullable: false });
const date = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'date',
  isNullable: nullable,
});
const instant = (name: string, nullable = false): TableColumnOptions => varchar(name, 24, nullable);
const fk = (column: string, table: string): TableForeignKey =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'RESTRICT',
    onUpdate: 'NO ACTION',
  });
// A link row goes with either end.
const linkFk = (column: string, table: string): TableForeignKey =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
    onUpdate: 'CASCADE',
  });

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'app_user',
        columns: [
          id(),
          varchar('name', 200),
          varchar('email', 254),
          varchar('role', 20),
          bool('active'),
          instant('created_at'),
          instant('updated_at'),
        ],
        uniques: [{ columnNames: ['email'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'organisation',
        columns: [
          id(),
          varchar('name', 200),
          varchar('ods_code', 10, true),
          varchar('cqc_provider_id', 20, true),
          varchar('kind', 20),
          instant('created_at'),
          instant('updated_at'),
        ],
        uniques: [{ columnNames: ['ods_code'] }, { columnNames: ['cqc_provider_id'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'core_service',
        columns: [
          id(),
          int('organisation_id'),
          varchar('name', 200),
          bool('custom'),
          date('reinspection_date', true),
          date('reinspection_window_end', true),
          bool('reinspection_confirmed'),
          instant('created_at'),
          instant('updated_at'),
        ],
        indices: [
          {
            name: 'uq_core_service_organisation_name',
            columnNames: ['organisation_id', 'name'],
            isUnique: true,
          },
        ],
        foreignKeys: [fk('organisation_id', 'organisation')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'rating',
        columns: [
          id(),
          int('organisation_id'),
          int('core_service_id', true),
          varchar('scope', 20),
          varchar('rating', 30),
          date('rated_on'),
          instant('created_at'),
        ],
        indices: [
          {
            name: 'ix_rating_core_service_scope',
            columnNames: ['core_service_id', 'scope', 'rated_on'],
          },
        ],
        foreignKeys: [fk('organisation_id', 'organisation'), fk('core_service_id', 'core_service')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'inspection',
        columns: [
          id(),
          int('organisation_id'),
          varchar('kind', 20),
          date('visit_start'),
          date('visit_end', true),
          date('published_on', true),
          varchar('report_reference', 100, true),
          instant('created_at'),
          instant('updated_at'),
        ],
        foreignKeys: [fk('organisation_id', 'organisation')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'inspection_core_service',
        columns: [
          { ...int('inspection_id'), isPrimary: true },
          { ...int('core_service_id'), isPrimary: true },
        ],
        indices: [{ columnNames: ['inspection_id'] }, { columnNames: ['core_service_id'] }],
        foreignKeys: [
          linkFk('inspection_id', 'inspection'),
          linkFk('core_service_id', 'core_service'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'finding',
        columns: [
          id(),
          int('organisation_id'),
          int('inspection_id', true),
          int('core_service_id', true),
          varchar('key_question', 20, true),
          varchar('quality_statement', 100, true),
          varchar('type', 20),
          date('deadline', true),
          text('regulations'),
          varchar('reference', 30, true),
          text('text'),
          varchar('source', 20),
          int('source_line', true),
          int('source_page', true),
          int('version'),
          instant('created_at'),
          instant('updated_at'),
        ],
        indices: [
          { name: 'ix_finding_organisation', columnNames: ['organisation_id'] },
          { name: 'ix_finding_core_service', columnNames: ['core_service_id'] },
        ],
        foreignKeys: [
          fk('organisation_id', 'organisation'),
          fk('inspection_id', 'inspection'),
          fk('core_service_id', 'core_service'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'action',
        columns: [
          id(),
          int('organisation_id'),
          varchar('reference', 30, true),
          varchar('title', 300),
          text('description', true),
          text('success_measure', true),
          int('owner_id', true),
          int('executive_lead_id', true),
          date('start_date', true),
          date('due_date'),
          date('original_due_date'),
          int('progress'),
          varchar('status', 20),
          text('cancellation_reason', true),
          int('assured_by_id', true),
          int('version'),
          instant('created_at'),
          instant('updated_at'),
        ],
        indices: [
          { name: 'ix_action_organisation_due', columnNames: ['organisation_id', 'due_date'] },
          { name: 'ix_action_owner', columnNames: ['owner_id'] },
          { name: 'ix_action_executive_lead', columnNames: ['executive_lead_id'] },
        ],
        foreignKeys: [
          fk('organisation_id', 'organisation'),
          fk('owner_id', 'app_user'),
          fk('executive_lead_id', 'app_user'),
          fk('assured_by_id', 'app_user'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'action_finding',
        columns: [
          { ...int('action_id'), isPrimary: true },
          { ...int('finding_id'), isPrimary: true },
        ],
        indices: [{ columnNames: ['action_id'] }, { columnNames: ['finding_id'] }],
        foreignKeys: [linkFk('action_id', 'action'), linkFk('finding_id', 'finding')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'progress_update',
        columns: [
          id(),
          int('action_id'),
          int('author_id'),
          instant('created_at'),
          text('note'),
          int('progress'),
          varchar('status_from', 20, true),
          varchar('status_to', 20, true),
          bool('off_track'),
        ],
        indices: [
          { name: 'ix_progress_update_action_time', columnNames: ['action_id', 'created_at'] },
        ],
        foreignKeys: [fk('action_id', 'action'), fk('author_id', 'app_user')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'due_date_change',
        columns: [
          id(),
          int('action_id'),
          date('previous_due_date'),
          date('new_due_date'),
          text('reason'),
          int('changed_by_id'),
          instant('created_at'),
        ],
        indices: [
          { name: 'ix_due_date_change_action_time', columnNames: ['action_id', 'created_at'] },
        ],
        foreignKeys: [fk('action_id', 'action'), fk('changed_by_id', 'app_user')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'evidence',
        columns: [
          id(),
          int('action_id'),
          varchar('kind', 10),
          varchar('title', 300),
          varchar('url', 2000, true),
          text('note', true),
          varchar('file_name', 255, true),
          varchar('file_sha256', 64, true),
          int('file_size', true),
          varchar('category', 50, true),
          int('submitted_by_id'),
          instant('submitted_at'),
          varchar('review_state', 10),
          int('reviewed_by_id', true),
          instant('reviewed_at', true),
          text('review_note', true),
        ],
        indices: [{ name: 'ix_evidence_action', columnNames: ['action_id'] }],
        foreignKeys: [
          fk('action_id', 'action'),
          fk('submitted_by_id', 'app_user'),
          fk('reviewed_by_id', 'app_user'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'evidence',
      'due_date_change',
      'progress_update',
      'action_finding',
      'action',
      'finding',
      'inspection_core_service',
      'inspection',
      'rating',
      'core_service',
      'organisation',
      'app_user',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
