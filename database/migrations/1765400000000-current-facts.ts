import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { refreshCurrentFacts } from '../../src/delivery/current-facts';

/**
 * Each action's facts as at now, kept on the action (src/delivery/current-facts.ts): whether
 * its latest progress entry flagged it off track, when it last saw activity, and the earliest
 * reinspection date of its findings' core services. Filled from the history for every existing
 * action, with indexes for the list filters and sorts that read them.
 */
export class CurrentFacts1765400000000 implements MigrationInterface {
  name = 'CurrentFacts1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('action', [
      new TableColumn({ name: 'off_track', type: 'boolean', isNullable: true }),
      new TableColumn({
        name: 'last_activity_at',
        type: 'varchar',
        length: '24',
        isNullable: true,
      }),
      new TableColumn({ name: 'reinspection_at', type: 'date', isNullable: true }),
    ]);
    await refreshCurrentFacts(queryRunner.manager, 'all');
    for (const index of INDEXES) await queryRunner.createIndex('action', index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('action', index.name!);
    for (const column of ['reinspection_at', 'last_activity_at', 'off_track'])
      await queryRunner.dropColumn('action', column);
  }
}

const INDEXES = [
  new TableIndex({
    name: 'ix_action_organisation_status_due',
    columnNames: ['organisation_id', 'status', 'due_date'],
  }),
  new TableIndex({ name: 'ix_action_owner_due', columnNames: ['owner_id', 'due_date'] }),
  new TableIndex({
    name: 'ix_action_executive_lead_due',
    columnNames: ['executive_lead_id', 'due_date'],
  }),
  new TableIndex({ name: 'ix_action_reinspection', columnNames: ['reinspection_at'] }),
];
