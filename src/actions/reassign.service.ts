import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { TrustAccess } from '../auth/trust-access';
import { AppError, validationFailed } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { IdField } from '../common/id-field';
import { Transactions } from '../database/transactions';
import { OrganisationMembership } from '../organisations/organisation-membership.entity';
import { User } from '../users/user.entity';
import { assignmentProblems } from './action-people';
import { OPEN_STATUSES } from './action-rules';
import { changeAction } from './action-writer';
import { Action } from './action.entity';

export class ReassignActionsDto {
  @ApiProperty({ description: 'Whose actions move (a leaver, say)' })
  @IdField()
  fromUserId: number;

  @ApiProperty({ description: 'Who owns them from now on: someone who can own actions here' })
  @IdField()
  toUserId: number;

  @ApiPropertyOptional({ description: 'Only actions still open (default false: every action)' })
  @IsOptional()
  @IsBoolean()
  openOnly?: boolean;
}

export class ReassignResultDto {
  @ApiProperty() reassigned: number;
  @ApiProperty({ type: [Number] }) actionIds: number[];
}

const noOrganisation = (id: number) =>
  new AppError('ORGANISATION_NOT_FOUND', `No organisation ${id}`);

/**
 * A leaver's actions, handed to someone else in one go: each action changes through the
 * action writer (its revision and history kept, the new owner checked as any assignment is),
 * all in one transaction, with one audit event saying what was moved and why.
 */
@Injectable()
export class ReassignService {
  constructor(
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  /** How many of this person's actions in the trust would move. */
  async count(organisationId: number, fromUserId: number, openOnly: boolean): Promise<number> {
    TrustAccess.requireReadable(organisationId, () => noOrganisation(organisationId));
    return this.transactions.run((manager) =>
      manager.countBy(Action, {
        organisationId,
        ownerId: fromUserId,
        ...(openOnly ? { status: In([...OPEN_STATUSES]) } : {}),
      }),
    );
  }

  async reassign(organisationId: number, dto: ReassignActionsDto): Promise<ReassignResultDto> {
    return this.transactions.run(async (manager) => {
      TrustAccess.requireWritable(organisationId, () => noOrganisation(organisationId));
      // The leaver need not be active any more, but must be (or have been) of this trust.
      const from = await manager.findOneBy(User, { id: dto.fromUserId });
      const member =
        from &&
        (await manager.existsBy(OrganisationMembership, {
          userId: from.id,
          organisationId,
        }));
      if (!from || !member)
        throw validationFailed('fromUserId', 'this person is not a member of this trust');
      if (dto.toUserId === dto.fromUserId)
        throw validationFailed('toUserId', 'choose someone other than the person leaving');
      const [problems] = await assignmentProblems(manager, [
        { organisationId, ownerId: dto.toUserId },
      ]);
      if (problems.length)
        throw new AppError('VALIDATION_FAILED', `toUserId: ${problems[0].reason}`, [
          { ...problems[0], field: 'toUserId' },
        ]);
      const to = (await manager.findOneBy(User, { id: dto.toUserId }))!;
      const actions = await manager.find(Action, {
        where: {
          organisationId,
          ownerId: from.id,
          ...(dto.openOnly ? { status: In([...OPEN_STATUSES]) } : {}),
        },
        order: { id: 'ASC' },
      });
      const now = nowTimestamp();
      const summary = `Reassigned from ${from.name} to ${to.name}`;
      for (const action of actions) {
        await changeAction(manager, action, { ownerId: to.id }, now, {
          audit: this.audit,
          entry: { action: 'update', entity: 'action', entityId: action.id, summary },
        });
      }
      const actionIds = actions.map((a) => a.id);
      await this.audit.record(manager, {
        action: 'update',
        entity: 'organisation',
        entityId: organisationId,
        organisationId,
        summary: `${summary}: ${actionIds.length} ${dto.openOnly ? 'open ' : ''}action${actionIds.length === 1 ? '' : 's'}`,
        before: { ownerId: from.id, actionIds },
        after: { ownerId: to.id, actionIds },
      });
      return { reassigned: actionIds.length, actionIds };
    });
  }
}
