import { MigrationInterface, QueryRunner, TableColumn, TableForeignKey } from 'typeorm';

/**
 * The trust a signed-in person last chose, so every page shows it until they choose another.
 * Cleared (not the session) if the trust is ever deleted.
 */
export class SessionTrust1765200000000 implements MigrationInterface {
  name = 'SessionTrust1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'user_session',
      new TableColumn({ name: 'organisation_id', type: 'integer', isNullable: true }),
    );
    await queryRunner.createForeignKey(
      'user_session',
      new TableForeignKey({
        columnNames: ['organisation_id'],
        referencedTableName: 'organisation',
        referencedColumnNames: ['id'],
        onDelete: 'SET NULL',
        onUpdate: 'NO ACTION',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const table = await queryRunner.getTable('user_session');
    const key = table?.foreignKeys.find((k) => k.columnNames.includes('organisation_id'));
    if (key) await queryRunner.dropForeignKey('user_session', key);
    await queryRunner.dropColumn('user_session', 'organisation_id');
  }
}
