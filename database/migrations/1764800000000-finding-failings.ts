import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * A warning notice lists failings, each with its own deadline. Existing warning notices had one
 * deadline on the finding: each becomes a notice of one failing (its own text, that deadline),
 * and `finding.deadline` stays as the earliest failing deadline.
 */
export class FindingFailings1764800000000 implements MigrationInterface {
  name = 'FindingFailings1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'finding_failing',
        columns: [
          { name: 'finding_id', type: 'integer', isPrimary: true },
          { name: 'position', type: 'integer', isPrimary: true },
          { name: 'text', type: 'text', isNullable: false },
          { name: 'deadline', type: 'date', isNullable: false },
        ],
        foreignKeys: [
          {
            columnNames: ['finding_id'],
            referencedTableName: 'finding',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
    await queryRunner.query(
      `INSERT INTO finding_failing (finding_id, position, text, deadline)
       SELECT id, 1, text, deadline FROM finding WHERE type = 'WARNING_NOTICE' AND deadline IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('finding_failing');
  }
}
