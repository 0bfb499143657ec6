import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';
import { HISTORISED } from '../../src/history/historised';
import { recordAllFirstRevisions } from '../../src/history/revisions';

const id: TableColumnOptions = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
};
const instant = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '24',
  isNullable,
});
const text = (name: string, length?: number, isNullable = true): TableColumnOptions =>
  length
    ? { name, type: 'varchar', length: String(length), isNullable }
    : { name, type: 'text', isNullable };
const integer = (name: string, isNullable = true): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable,
});
const date = (name: string): TableColumnOptions => ({ name, type: 'date', isNullable: true });

/**
 * The governed record: append-only revisions of every value a report shows (actions, findings,
 * core services, trusts' names, inspections, people's names) and the history of action-finding links, so that a report as
 * at a past day reads what was true then. Existing rows get their first revision, valid from
 * their creation: what they say now is the only version known.
 */
export class History1764700000000 implements MigrationInterface {
  name = 'History1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const revisionTable = async (
      name: string,
      key: string,
      columns: TableColumnOptions[],
    ): Promise<void> => {
      await queryRunner.createTable(
        new Table({
          name,
          columns: [id, integer(key, false), instant('valid_from'), ...columns],
        }),
      );
      await queryRunner.createIndex(
        name,
        new TableIndex({
          name: `ix_${name}_${key.replace(/_id$/, '')}_valid`,
          columnNames: [key, 'valid_from'],
        }),
      );
    };
    await revisionTable('action_revision', 'action_id', [
      text('reference', 30),
      text('title', 300, false),
      text('description'),
      text('success_measure'),
      integer('owner_id'),
      integer('executive_lead_id'),
      date('start_date'),
      text('cancellation_reason'),
      integer('assured_by_id'),
      integer('version', false),
      instant('updated_at'),
    ]);
    await revisionTable('finding_revision', 'finding_id', [
      integer('inspection_id'),
      integer('core_service_id'),
      text('key_question', 20),
      text('quality_statement', 100),
      integer('score'),
      text('type', 20, false),
      date('deadline'),
      { name: 'regulations', type: 'text', isNullable: false },
      text('reference', 30),
      { name: 'text', type: 'text', isNullable: false },
      integer('version', false),
      instant('updated_at'),
    ]);
    await revisionTable('core_service_revision', 'core_service_id', [
      text('name', 200, false),
      date('reinspection_date'),
      date('reinspection_window_end'),
      { name: 'reinspection_confirmed', type: 'boolean', isNullable: false },
      instant('updated_at'),
    ]);
    await revisionTable('organisation_revision', 'organisation_id', [text('name', 200, false)]);
    await revisionTable('inspection_revision', 'inspection_id', [
      text('kind', 20, false),
      { name: 'visit_start', type: 'date', isNullable: false },
      date('visit_end'),
      date('published_on'),
      text('report_reference', 100),
    ]);
    await revisionTable('app_user_revision', 'app_user_id', [text('name', 200, false)]);
    await queryRunner.createTable(
      new Table({
        name: 'action_finding_link',
        columns: [
          id,
          integer('action_id', false),
          integer('finding_id', false),
          instant('linked_at'),
          instant('unlinked_at', true),
        ],
      }),
    );
    await queryRunner.createIndex(
      'action_finding_link',
      new TableIndex({
        name: 'ix_action_finding_link_action',
        columnNames: ['action_id', 'linked_at'],
      }),
    );
    await queryRunner.createIndex(
      'action_finding_link',
      new TableIndex({ name: 'ix_action_finding_link_finding', columnNames: ['finding_id'] }),
    );
    // The columns this migration created; later migrations add their own (interim_mitigation).
    await recordAllFirstRevisions(queryRunner.manager, {
      action: HISTORISED.action.columns.filter((c) => c !== 'interim_mitigation'),
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'action_finding_link',
      'app_user_revision',
      'inspection_revision',
      'organisation_revision',
      'core_service_revision',
      'finding_revision',
      'action_revision',
    ])
      await queryRunner.dropTable(table);
  }
}
