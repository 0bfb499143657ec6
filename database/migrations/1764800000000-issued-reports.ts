import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { blobTypeOf } from '../../src/database/columns';

/** Reports issued to a meeting: the file as issued, its hash, who issued it, when and for what. */
export class IssuedReports1764800000000 implements MigrationInterface {
  name = 'IssuedReports1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'issued_report',
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
          { name: 'format', type: 'varchar', length: '8', isNullable: false },
          { name: 'as_of', type: 'date', isNullable: false },
          { name: 'meeting', type: 'varchar', length: '200', isNullable: false },
          { name: 'filters', type: 'text', isNullable: false },
          { name: 'file_name', type: 'varchar', length: '255', isNullable: false },
          { name: 'content_type', type: 'varchar', length: '100', isNullable: false },
          { name: 'size', type: 'integer', isNullable: false },
          { name: 'sha256', type: 'varchar', length: '64', isNullable: false },
          {
            name: 'content',
            // `blob` on SQLite, `bytea` on PostgreSQL: no type name means raw bytes on both.
            type: blobTypeOf(queryRunner.connection.options.type),
            isNullable: false,
          },
          { name: 'issued_by_id', type: 'integer', isNullable: false },
          { name: 'issued_at', type: 'varchar', length: '24', isNullable: false },
        ],
        indices: [
          {
            name: 'ix_issued_report_organisation',
            columnNames: ['organisation_id', 'kind', 'as_of'],
          },
        ],
        foreignKeys: [
          {
            columnNames: ['organisation_id'],
            referencedTableName: 'organisation',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'NO ACTION',
          },
          {
            columnNames: ['issued_by_id'],
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
    await queryRunner.dropTable('issued_report');
  }
}
