import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'refused',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One thing that happened, by whom, when. Append-only: the app has no route that edits or
 * deletes one. No foreign key, so an event outlives anything it names.
 */
@Entity('audit_event')
@Index('ix_audit_event_entity', ['entity', 'entityId'])
@Index('ix_audit_event_subject', ['subject'])
@Index('ix_audit_event_at', ['at'])
@Index('ix_audit_event_actor', ['actorId'])
@Index('ix_audit_event_organisation', ['organisationId', 'at'])
export class AuditEvent {
  @PrimaryGeneratedColumn() id: number;
  @TimestampColumn() at: string;
  @Column({ type: 'integer', nullable: true }) actorId: number | null;
  @Column({ type: 'varchar', length: 36, nullable: true }) requestId: string | null;
  @Column({ type: 'varchar', length: 30 }) action: AuditAction;
  @Column({ type: 'varchar', length: 30 }) entity: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) entityId: string | null;
  /** The record the change belongs to, such as `action:4` for a progress update on action 4. */
  @Column({ type: 'varchar', length: 40, nullable: true }) subject: string | null;
  /** JSON `{ before, after }` of the fields that changed. */
  @Column({ type: 'text', nullable: true }) changes: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) summary: string | null;
  /** The trust the event belongs to; null for system-wide events (sign-ins, accounts), which only admins read. */
  @Column({ type: 'integer', nullable: true }) organisationId: number | null;
}
