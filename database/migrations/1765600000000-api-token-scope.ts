import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * API tokens gain a scope (read, read-write or admin) and an optional expiry. Tokens made
 * before this keep working as they did: scope read-write, no expiry (null). They lose admin
 * powers, which now only a token made with scope admin carries.
 */
export class ApiTokenScope1765600000000 implements MigrationInterface {
  name = 'ApiTokenScope1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'api_token',
      new TableColumn({
        name: 'scope',
        type: 'varchar',
        length: '10',
        isNullable: false,
        default: "'read-write'",
      }),
    );
    await queryRunner.addColumn(
      'api_token',
      new TableColumn({ name: 'expires_at', type: 'varchar', length: '24', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('api_token', 'expires_at');
    await queryRunner.dropColumn('api_token', 'scope');
  }
}
