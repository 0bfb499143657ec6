import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { blobTypeOf } from '../../src/database/columns';

/**
 * Evidence documents kept (issue 20). `evidence_file` holds each distinct file once, by the
 * SHA-256 of its bytes; `content` is the bytes when they are kept in the database (the
 * default, so a backup holds them) and null when EVIDENCE_STORAGE=directory keeps them on
 * disk. An evidence item names its file by `file_sha256` (already there) and gains the file's
 * detected media type, and the dates its evidence is good from and until.
 */
export class EvidenceFiles1765700000000 implements MigrationInterface {
  name = 'EvidenceFiles1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'evidence_file',
        columns: [
          { name: 'sha256', type: 'varchar', length: '64', isPrimary: true },
          { name: 'size', type: 'integer', isNullable: false },
          { name: 'media_type', type: 'varchar', length: '100', isNullable: false },
          {
            name: 'content',
            type: blobTypeOf(queryRunner.connection.options.type),
            isNullable: true,
          },
          { name: 'stored_at', type: 'varchar', length: '24', isNullable: false },
        ],
      }),
    );
    await queryRunner.addColumns('evidence', [
      new TableColumn({
        name: 'file_media_type',
        type: 'varchar',
        length: '100',
        isNullable: true,
      }),
      new TableColumn({ name: 'effective_date', type: 'date', isNullable: true }),
      new TableColumn({ name: 'expiry_date', type: 'date', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['expiry_date', 'effective_date', 'file_media_type'])
      await queryRunner.dropColumn('evidence', column);
    await queryRunner.dropTable('evidence_file');
  }
}
