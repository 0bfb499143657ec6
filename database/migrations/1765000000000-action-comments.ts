import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * The conversation on each action: comments from its owner, executive lead and quality leads.
 * Append-only (no updated_at): a comment is never edited or deleted after posting.
 */
export class ActionComments1765000000000 implements MigrationInterface {
  name = 'ActionComments1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'action_comment',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'action_id', type: 'integer', isNullable: false },
          { name: 'author_id', type: 'integer', isNullable: false },
          { name: 'body', type: 'text', isNullable: false },
          { name: 'created_at', type: 'varchar', length: '24', isNullable: false },
        ],
        indices: [
          { name: 'ix_action_comment_action_time', columnNames: ['action_id', 'created_at'] },
        ],
        foreignKeys: [
          {
            columnNames: ['action_id'],
            referencedTableName: 'action',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'NO ACTION',
          },
          {
            columnNames: ['author_id'],
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
    await queryRunner.dropTable('action_comment');
  }
}
