import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Single assessment framework reports publish a score with each quality statement (1-4) and
 * each key question (a percentage); a finding taken from one keeps the score it was given.
 */
export class FindingScore1764500000000 implements MigrationInterface {
  name = 'FindingScore1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'finding',
      new TableColumn({ name: 'score', type: 'integer', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('finding', 'score');
  }
}
