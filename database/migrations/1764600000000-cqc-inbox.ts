import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** CQC's own data, watched: the inbox of what CQC published for held trusts, and the watermark. */
export class CqcInbox1764600000000 implements MigrationInterface {
  name = 'CqcInbox1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'cqc_inbox_item',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'organisation_id', type: 'integer', isNullable: false },
          { name: 'kind', type: 'varchar', length: '20', isNullable: false },
          { name: 'status', type: 'varchar', length: '12', isNullable: false },
          { name: 'dedupe_key', type: 'varchar', length: '200', isNullable: false },
          { name: 'subject_type', type: 'varchar', length: '10', isNullable: false },
          { name: 'subject_id', type: 'varchar', length: '20', isNullable: false },
          { name: 'subject_name', type: 'varchar', length: '200', isNullable: false },
          { name: 'report_link_id', type: 'varchar', length: '60', isNullable: true },
          { name: 'report_date', type: 'date', isNullable: true },
          { name: 'report_uri', type: 'varchar', length: '300', isNullable: true },
          { name: 'inspection_date', type: 'date', isNullable: true },
          { name: 'old_rating', type: 'varchar', length: '30', isNullable: true },
          { name: 'new_rating', type: 'varchar', length: '30', isNullable: true },
          { name: 'summary', type: 'varchar', length: '500', isNullable: false },
          { name: 'created_at', type: 'varchar', length: '24', isNullable: false },
          { name: 'decided_at', type: 'varchar', length: '24', isNullable: true },
          { name: 'decided_by_id', type: 'integer', isNullable: true },
          { name: 'decision_note', type: 'varchar', length: '500', isNullable: true },
          { name: 'import_id', type: 'integer', isNullable: true },
        ],
        indices: [
          {
            name: 'ux_cqc_inbox_item_key',
            columnNames: ['organisation_id', 'dedupe_key'],
            isUnique: true,
          },
          {
            name: 'ix_cqc_inbox_item_status',
            columnNames: ['organisation_id', 'status', 'created_at'],
          },
        ],
        foreignKeys: [
          {
            columnNames: ['organisation_id'],
            referencedTableName: 'organisation',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'cqc_watch_state',
        columns: [
          { name: 'name', type: 'varchar', length: '40', isPrimary: true },
          { name: 'last_end', type: 'varchar', length: '24', isNullable: false },
          { name: 'updated_at', type: 'varchar', length: '24', isNullable: false },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('cqc_watch_state');
    await queryRunner.dropTable('cqc_inbox_item');
  }
}
