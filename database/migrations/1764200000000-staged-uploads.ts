import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Files uploaded on the import page, held between the preview and the person's confirmation. */
export class StagedUploads1764200000000 implements MigrationInterface {
  name = 'StagedUploads1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'staged_upload',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'user_id', type: 'integer', isNullable: false },
          { name: 'kind', type: 'varchar', length: '20', isNullable: false },
          { name: 'file_name', type: 'varchar', length: '255', isNullable: false },
          { name: 'content_base64', type: 'text', isNullable: false },
          { name: 'options', type: 'text', isNullable: false },
          { name: 'created_at', type: 'varchar', length: '24', isNullable: false },
        ],
        indices: [{ name: 'ix_staged_upload_user', columnNames: ['user_id'] }],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'app_user',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('staged_upload');
  }
}
