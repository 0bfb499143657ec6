import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * A warning notice lists failings, each with its own deadline. Existing warning notices had one
 * deadline on the finding: each becomes a notice of one failing (its own text, that deadline,
 * from when the finding was recorded), and `finding.deadline` stays as the earliest failing
 * deadline. Rows are append-only: a changed list stamps the old rows `replaced_at`.
 */
export class FindingFailings1764900000000 implements MigrationInterface {
  name = 'FindingFailings1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'finding_failing',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'finding_id', type: 'integer', isNullable: false },
          { name: 'position', type: 'integer', isNullable: false },
          { name: 'text', type: 'text', isNullable: false },
          { name: 'deadline', type: 'date', isNullable: false },
          { name: 'created_at', type: 'varchar', length: '24', isNullable: false },
          { name: 'replaced_at', type: 'varchar', length: '24', isNullable: true },
        ],
        indices: [{ name: 'ix_finding_failing_finding', columnNames: ['finding_id'] }],
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
      `INSERT INTO finding_failing (finding_id, position, text, deadline, created_at)
       SELECT id, 1, text, deadline, created_at FROM finding
       WHERE type = 'WARNING_NOTICE' AND deadline IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('finding_failing');
  }
}
