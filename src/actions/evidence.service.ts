import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppError } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { Transactions } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { checkEvidenceReview } from './action-rules';
import { Action } from './action.entity';
import { ActionsService } from './actions.service';
import { EvidenceDto } from './dto/action-read.dto';
import { AddEvidenceDto, ReviewEvidenceDto } from './dto/action-write.dto';
import { toEvidenceDto } from './dto/action.mapper';
import { Evidence } from './evidence.entity';

@Injectable()
export class EvidenceService {
  constructor(
    @InjectRepository(Evidence) private readonly evidence: Repository<Evidence>,
    private readonly actions: ActionsService,
    private readonly transactions: Transactions,
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

  async add(actionId: number, dto: AddEvidenceDto): Promise<EvidenceDto> {
    const id = await this.transactions.run(async (manager) => {
      const action = await manager.findOneBy(Action, { id: actionId });
      if (!action) throw new AppError('ACTION_NOT_FOUND', `No action ${actionId}`);
      if (action.status === 'CANCELLED') {
        throw new AppError('ACTION_CLOSED', 'This action was cancelled; it takes no more evidence');
      }
      await UsersService.requireActive(manager, dto.submittedById, 'submittedById');
      const saved = await manager.save(
        manager.create(Evidence, {
          actionId,
          kind: dto.kind,
          title: dto.title.trim(),
          url: dto.kind === 'link' ? (dto.url ?? null) : null,
          note: dto.note ?? null,
          fileName: dto.kind === 'file' ? (dto.fileName ?? null) : null,
          fileSha256: dto.kind === 'file' ? (dto.fileSha256 ?? null) : null,
          fileSize: dto.kind === 'file' ? (dto.fileSize ?? null) : null,
          category: dto.category ?? null,
          submittedById: dto.submittedById,
          submittedAt: nowTimestamp(),
          reviewState: 'SUBMITTED',
          reviewedById: null,
          reviewedAt: null,
          reviewNote: null,
        }),
      );
      return saved.id;
    });
    return this.get(actionId, id);
  }

  async review(actionId: number, evidenceId: number, dto: ReviewEvidenceDto): Promise<EvidenceDto> {
    await this.transactions.run(async (manager) => {
      const action = await manager.findOneBy(Action, { id: actionId });
      if (!action) throw new AppError('ACTION_NOT_FOUND', `No action ${actionId}`);
      const item = await this.transactions.findForUpdate(manager, Evidence, evidenceId);
      if (!item || item.actionId !== actionId) {
        throw new AppError('EVIDENCE_NOT_FOUND', `No evidence ${evidenceId} on action ${actionId}`);
      }
      await UsersService.requireActive(manager, dto.reviewerId, 'reviewerId');
      checkEvidenceReview({
        reviewState: item.reviewState,
        submittedById: item.submittedById,
        ownerId: action.ownerId,
        reviewerId: dto.reviewerId,
      });
      await manager.update(
        Evidence,
        { id: evidenceId },
        {
          reviewState: dto.decision,
          reviewedById: dto.reviewerId,
          reviewedAt: nowTimestamp(),
          reviewNote: dto.note.trim(),
        },
      );
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
