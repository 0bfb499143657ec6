import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Trusts kept apart: each person belongs to trusts with a role in each, and each audit event
 * names the trust it belongs to. Until now every signed-in user saw every trust, so existing
 * non-admin users are back-filled into every existing trust with their current role: an
 * upgrade changes nobody's access until an admin narrows it.
 */
export class OrganisationMemberships1764400000000 implements MigrationInterface {
  name = 'OrganisationMemberships1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'organisation_membership',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'user_id', type: 'integer', isNullable: false },
          { name: 'organisation_id', type: 'integer', isNullable: false },
          { name: 'role', type: 'varchar', length: '20', isNullable: false },
          { name: 'created_at', type: 'varchar', length: '24', isNullable: false },
        ],
        indices: [
          {
            name: 'ux_organisation_membership',
            columnNames: ['user_id', 'organisation_id'],
            isUnique: true,
          },
          { name: 'ix_organisation_membership_organisation', columnNames: ['organisation_id'] },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'app_user',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
          {
            columnNames: ['organisation_id'],
            referencedTableName: 'organisation',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
    // Today's behaviour, written down: every non-admin in every trust, with their role.
    await queryRunner.query(
      `INSERT INTO organisation_membership (user_id, organisation_id, role, created_at)
       SELECT u.id, o.id, u.role, u.created_at FROM app_user u CROSS JOIN organisation o
       WHERE u.role <> 'admin'`,
    );

    await queryRunner.addColumn(
      'audit_event',
      new TableColumn({ name: 'organisation_id', type: 'integer', isNullable: true }),
    );
    await queryRunner.createIndex(
      'audit_event',
      new TableIndex({
        name: 'ix_audit_event_organisation',
        columnNames: ['organisation_id', 'at'],
      }),
    );
    // Past events about an action or a trust can be placed; the rest (sign-ins, accounts)
    // stay unplaced, which only admins read.
    await queryRunner.query(
      `UPDATE audit_event SET organisation_id =
         (SELECT a.organisation_id FROM action a WHERE 'action:' || a.id = audit_event.subject)
       WHERE subject LIKE 'action:%'`,
    );
    await queryRunner.query(
      `UPDATE audit_event SET organisation_id =
         (SELECT o.id FROM organisation o WHERE 'organisation:' || o.id = audit_event.subject)
       WHERE subject LIKE 'organisation:%'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('audit_event', 'ix_audit_event_organisation');
    await queryRunner.dropColumn('audit_event', 'organisation_id');
    await queryRunner.dropTable('organisation_membership');
  }
}
