import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** What was imported, by whom, and the original content, kept as it arrived. */
export class ImportRecords1764000000000 implements MigrationInterface {
  name = 'ImportRecords1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'import_record',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'kind', type: 'varchar', length: '20', isNullable: false },
          { name: 'organisation_id', type: 'integer', isNullable: false },
          { name: 'file_name', type: 'varchar', length: '255', isNullable: true },
          { name: 'content_sha256', type: 'varchar', length: '64', isNullable: false },
          { name: 'raw', type: 'text', isNullable: true },
          { name: 'summary', type: 'text', isNullable: false },
          { name: 'imported_by_id', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '24', isNullable: false },
        ],
        indices: [{ name: 'ix_import_record_organisation', columnNames: ['organisation_id'] }],
        foreignKeys: [
          {
            columnNames: ['organisation_id'],
            referencedTableName: 'organisation',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'NO ACTION',
          },
          {
            columnNames: ['imported_by_id'],
            referencedTableName: 'app_user',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('import_record');
  }
}
