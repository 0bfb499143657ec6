import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Sign-in through the trust's OpenID Connect provider (docs/security.md): the provider's
 * issuer and subject on the user it was matched to, and each sign-in started at the provider
 * but not yet come back (its state, nonce and PKCE verifier), used once and then deleted.
 */
export class SingleSignOn1765500000000 implements MigrationInterface {
  name = 'SingleSignOn1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('app_user', [
      new TableColumn({ name: 'oidc_issuer', type: 'varchar', length: '500', isNullable: true }),
      new TableColumn({ name: 'oidc_subject', type: 'varchar', length: '255', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'app_user',
      new TableIndex({
        name: 'ux_app_user_oidc_subject',
        columnNames: ['oidc_issuer', 'oidc_subject'],
        isUnique: true,
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sso_sign_in',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'browser_hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'state', type: 'varchar', length: '100', isNullable: false },
          { name: 'nonce', type: 'varchar', length: '100', isNullable: false },
          { name: 'code_verifier', type: 'varchar', length: '100', isNullable: false },
          { name: 'return_to', type: 'varchar', length: '500', isNullable: false },
          { name: 'expires_at', type: 'varchar', length: '24', isNullable: false },
        ],
        uniques: [{ columnNames: ['browser_hash'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sso_sign_in');
    await queryRunner.dropIndex('app_user', 'ux_app_user_oidc_subject');
    await queryRunner.dropColumn('app_user', 'oidc_subject');
    await queryRunner.dropColumn('app_user', 'oidc_issuer');
  }
}
