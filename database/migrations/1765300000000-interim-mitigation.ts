import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * An action's interim mitigation: what keeps people using the service safe until the action is
 * done, a column of CQC's action plan. Optional text, historised like the success measure, so
 * its revision table gains the column too. Existing actions and revisions have none (null).
 */
export class InterimMitigation1765300000000 implements MigrationInterface {
  name = 'InterimMitigation1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['action', 'action_revision'])
      await queryRunner.addColumn(
        table,
        new TableColumn({ name: 'interim_mitigation', type: 'text', isNullable: true }),
      );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['action_revision', 'action'])
      await queryRunner.dropColumn(table, 'interim_mitigation');
  }
}
