import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Each user's private iCalendar feed: a secret in the URL, stored as its SHA-256, revocable. */
export class CalendarFeeds1764100000000 implements MigrationInterface {
  name = 'CalendarFeeds1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'calendar_feed',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'user_id', type: 'integer', isNullable: false },
          { name: 'token_hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'created_at', type: 'varchar', length: '24', isNullable: false },
          { name: 'revoked_at', type: 'varchar', length: '24', isNullable: true },
        ],
        uniques: [{ columnNames: ['token_hash'] }],
        indices: [{ name: 'ix_calendar_feed_user', columnNames: ['user_id'] }],
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
    await queryRunner.dropTable('calendar_feed');
  }
}
