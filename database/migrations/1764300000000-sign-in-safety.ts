import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Sign-in safety: browsers that have signed in before (so a locked email still lets its owner
 * in from them), and indexes for the caps and purges done at sign-in.
 */
export class SignInSafety1764300000000 implements MigrationInterface {
  name = 'SignInSafety1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'known_device',
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
          { name: 'last_used_at', type: 'varchar', length: '24', isNullable: false },
        ],
        uniques: [{ columnNames: ['token_hash'] }],
        indices: [{ name: 'ix_known_device_user', columnNames: ['user_id'] }],
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
    await queryRunner.createIndex(
      'user_session',
      new TableIndex({ name: 'ix_user_session_user', columnNames: ['user_id'] }),
    );
    await queryRunner.createIndex(
      'user_session',
      new TableIndex({ name: 'ix_user_session_expires', columnNames: ['expires_at'] }),
    );
    await queryRunner.createIndex(
      'sign_in_throttle',
      new TableIndex({ name: 'ix_sign_in_throttle_window', columnNames: ['window_started_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('sign_in_throttle', 'ix_sign_in_throttle_window');
    await queryRunner.dropIndex('user_session', 'ix_user_session_expires');
    await queryRunner.dropIndex('user_session', 'ix_user_session_user');
    await queryRunner.dropTable('known_device');
  }
}
