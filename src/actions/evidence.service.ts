import { Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { Transactions } from '../database/transactions';
import { Actor, checkEvidenceReview, checkOwnsAction } from './action-rules';
import { Action } from './action.entity';
import { ActionsService } from './actions.service';
import { EvidenceDto } from './dto/action-read.dto';
import { AddEvidenceDto, ReviewEvidenceDto } from './dto/action-write.dto';
import { toEvidenceDto } from './dto/action.mapper';
import { Evidence } from './evidence.entity';

/** A document whose bytes are kept with its evidence item (see EvidenceFilesService). */
export interface KeptFile {
  fileName: string;
  sha256: string;
  size: number;
  mediaType: string;
  keep(manager: EntityManager): Promise<void>;
}

@Injectable()
export class EvidenceService {
  constructor(
    @InjectRepository(Evidence) private readonly evidence: Repository<Evidence>,
    private readonly actions: ActionsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async list(actionId: number): Promise<EvidenceDto[]> {
    await this.actions.requireExists(actionId);
    const rows = await this.evidence.find({
      where: { actionId },
      relations: { submittedBy: true, reviewedBy: true },
      order: { submittedAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toEvidenceDto);
  }

  /**
   * Adds an evidence item. A kept document (evidence-files/) comes as `file`: its facts, read
   * from its bytes, replace whatever the DTO said, and `keep` stores the bytes in the same
   * transaction as the item, so neither is kept without the other.
   */
  async add(
    actionId: number,
    dto: AddEvidenceDto,
    actor: Actor,
    file?: KeptFile,
  ): Promise<EvidenceDto> {
    const id = await this.transactions.run(async (manager) => {
      const action = await manager.findOneBy(Action, { id: actionId });
      if (!action) throw new AppError('ACTION_NOT_FOUND', `No action ${actionId}`);
      TrustAccess.requireWritable(
        action.organisationId,
        () => new AppError('ACTION_NOT_FOUND', `No action ${actionId}`),
      );
      if (action.status === 'CANCELLED') {
        throw new AppError('ACTION_CLOSED', 'This action was cancelled; it takes no more evidence');
      }
      checkOwnsAction(TrustAccess.actorIn(actor, action.organisationId), action);
      if (file) await file.keep(manager);
      const saved = await manager.save(
        manager.create(Evidence, {
          actionId,
          kind: dto.kind,
          title: dto.title.trim(),
          url: dto.kind === 'link' ? (dto.url ?? null) : null,
          note: dto.note ?? null,
          fileName: file?.fileName ?? (dto.kind === 'file' ? (dto.fileName ?? null) : null),
          fileSha256: file?.sha256 ?? (dto.kind === 'file' ? (dto.fileSha256 ?? null) : null),
          fileSize: file?.size ?? (dto.kind === 'file' ? (dto.fileSize ?? null) : null),
          fileMediaType: file?.mediaType ?? null,
          category: dto.category ?? null,
          effectiveDate: dto.effectiveDate ?? null,
          expiryDate: dto.expiryDate ?? null,
          submittedById: actor.id,
          submittedAt: nowTimestamp(),
          reviewState: 'SUBMITTED',
          reviewedById: null,
          reviewedAt: null,
          reviewNote: null,
        }),
      );
      await this.audit.record(manager, {
        action: 'create',
        entity: 'evidence',
        entityId: saved.id,
        subject: `action:${actionId}`,
        after: saved,
      });
      return saved.id;
    });
    return this.get(actionId, id);
  }

  async review(
    actionId: number,
    evidenceId: number,
    dto: ReviewEvidenceDto,
    actor: Actor,
  ): Promise<EvidenceDto> {
    await this.transactions.run(async (manager) => {
      const action = await manager.findOneBy(Action, { id: actionId });
      if (!action) throw new AppError('ACTION_NOT_FOUND', `No action ${actionId}`);
      TrustAccess.requireWritable(
        action.organisationId,
        () => new AppError('ACTION_NOT_FOUND', `No action ${actionId}`),
      );
      const item = await this.transactions.findForUpdate(manager, Evidence, evidenceId);
      if (!item || item.actionId !== actionId) {
        throw new AppError('EVIDENCE_NOT_FOUND', `No evidence ${evidenceId} on action ${actionId}`);
      }
      checkEvidenceReview({
        reviewState: item.reviewState,
        submittedById: item.submittedById,
        ownerId: action.ownerId,
        reviewerId: actor.id,
      });
      const review = {
        reviewState: dto.decision,
        reviewedById: actor.id,
        reviewedAt: nowTimestamp(),
        reviewNote: dto.note.trim(),
      };
      await manager.update(Evidence, { id: evidenceId }, review);
      await this.audit.record(manager, {
        action: 'update',
        entity: 'evidence',
        entityId: evidenceId,
        subject: `action:${actionId}`,
        before: item,
        after: { ...item, ...review },
      });
    });
    return this.get(actionId, evidenceId);
  }

  private async get(actionId: number, id: number): Promise<EvidenceDto> {
    const item = await this.evidence.findOne({
      where: { id, actionId },
      relations: { submittedBy: true, reviewedBy: true },
    });
    if (!item) throw new AppError('EVIDENCE_NOT_FOUND', `No evidence ${id} on action ${actionId}`);
    return toEvidenceDto(item);
  }
}
