import { Inject, Injectable } from '@nestjs/common';
import { requireId } from '../common/id-field';
import { TrustAccess } from '../auth/trust-access';
import type { Writable } from 'node:stream';
import { DataSource, In, LessThanOrEqual } from 'typeorm';
import { ActionsService } from '../actions/actions.service';
import { ActionDto, ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { DueDateChange } from '../actions/due-date-change.entity';
import { Evidence } from '../actions/evidence.entity';
import { ProgressUpdate } from '../actions/progress-update.entity';
import { ReadSnapshot } from '../database/read-snapshot';
import { AppError } from '../common/app-error';
import { endOfDay, todayDate, londonDateOf } from '../common/dates';
import { CoreService } from '../core-services/core-service.entity';
import {
  coreServiceNamesAsAt,
  findingsAsAt,
  organisationNameAsAt,
  renamePeopleAsAt,
} from '../history/records-as-at';
import { Organisation } from '../organisations/organisation.entity';
import {
  Doc,
  finishPdf,
  heading,
  keepSpace,
  newPdf,
  paragraph,
  paragraphHeight,
  picture,
  table,
  titleBlock,
} from './pdf-layout';
import { labelOf, ukDate } from '../common/words';
import { evidenceExpired } from '../actions/evidence-validity';
import { EVIDENCE_STORE, EvidenceStore } from '../evidence-files/evidence-store';
import { describeMediaType } from '../evidence-files/file-types';
import { megabytes } from '../imports/import-limits';

export interface EvidencePackOptions {
  coreServiceId: number;
  asOf?: string;
}

/**
 * The evidence pack for one core service, as at a date: each finding, the actions addressing
 * it, their history (progress, status changes, moved dates) and their evidence with its review,
 * as it stood then. Each kept document is listed with its type, size and SHA-256, and an
 * appendix indexes them all (who uploaded it, when), with PNG and JPEG pictures shown scaled.
 * Other documents (PDFs, office files) are indexed, not reproduced: drawing a PDF's pages would
 * need a renderer the server does not have; the hash ties the listed file to the kept one.
 */
@Injectable()
export class EvidencePackService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly actions: ActionsService,
    @Inject(EVIDENCE_STORE) private readonly store: EvidenceStore,
  ) {}

  async pdfTo(out: Writable, options: EvidencePackOptions): Promise<number> {
    const asOf = options.asOf ?? todayDate();
    const end = endOfDay(asOf);
    const service = await this.dataSource
      .getRepository(CoreService)
      .findOneBy({ id: requireId(options.coreServiceId, 'coreServiceId') });
    if (!service || !TrustAccess.canRead(service.organisationId))
      throw new AppError('CORE_SERVICE_NOT_FOUND', `No core service ${options.coreServiceId}`);
    const organisation = await this.dataSource
      .getRepository(Organisation)
      .findOneByOrFail({ id: service.organisationId });
    // The service's name and its findings as they were at the end of the as-at day (history/).
    const serviceName =
      (await coreServiceNamesAsAt(this.dataSource, service.organisationId, asOf)).get(service.id) ??
      service.name;
    const findings = (
      await findingsAsAt(this.dataSource, service.organisationId, asOf, {
        coreServiceId: service.id,
      })
    ).sort(
      (a, b) =>
        a.type.localeCompare(b.type) ||
        (a.reference ?? '\uffff').localeCompare(b.reference ?? '\uffff') ||
        a.id - b.id,
    );
    const actions = await this.actions.batchAfter(
      { coreServiceId: service.id, asOf } as ListActionsQueryDto,
      asOf,
      0,
      10_000,
    );
    const ids = actions.map((a) => a.id);
    const [history, evidence, dueDates] = ids.length
      ? await ReadSnapshot.all([
          () =>
            ReadSnapshot.manager(this.dataSource)
              .getRepository(ProgressUpdate)
              .find({
                where: { actionId: In(ids), createdAt: LessThanOrEqual(end) },
                relations: { author: true },
                order: { createdAt: 'ASC', id: 'ASC' },
              }),
          () =>
            ReadSnapshot.manager(this.dataSource)
              .getRepository(Evidence)
              .find({
                where: { actionId: In(ids), submittedAt: LessThanOrEqual(end) },
                relations: { submittedBy: true, reviewedBy: true },
                order: { submittedAt: 'ASC', id: 'ASC' },
              }),
          () =>
            ReadSnapshot.manager(this.dataSource)
              .getRepository(DueDateChange)
              .find({
                where: { actionId: In(ids), createdAt: LessThanOrEqual(end) },
                relations: { changedBy: true },
                order: { createdAt: 'ASC', id: 'ASC' },
              }),
        ])
      : [[], [], []];
    await renamePeopleAsAt(
      this.dataSource,
      [
        ...history.map((h) => h.author),
        ...evidence.flatMap((e) => [e.submittedBy, e.reviewedBy]),
        ...dueDates.map((d) => d.changedBy),
      ],
      asOf,
    );

    const { doc, width, done } = newPdf(out, `${serviceName}: evidence pack as at ${ukDate(asOf)}`);
    const organisationName = await organisationNameAsAt(this.dataSource, organisation, asOf);
    titleBlock(doc, organisationName, `Evidence pack: ${serviceName}, as at ${ukDate(asOf)}`, [
      `core service ${serviceName}`,
    ]);
    for (const finding of findings) {
      const regulations = finding.regulations
        .map(
          (r) =>
            `Regulation ${r.number}${r.paragraph ?? ''}${r.instrument === 2010 ? ' (2010)' : ''}`,
        )
        .join(', ');
      heading(
        doc,
        `${finding.reference ?? 'Finding without a reference'}: ${labelOf(finding.type)}${finding.keyQuestion ? `, ${labelOf(finding.keyQuestion)}` : ''}${regulations ? `, ${regulations}` : ''}`,
      );
      paragraph(doc, finding.text, { spaceAfter: 0.5 });
      const linked = actions.filter((a) => a.findingIds.includes(finding.id));
      if (!linked.length)
        paragraph(doc, 'No action addresses this finding.', { italic: true, spaceAfter: 0.5 });
      for (const action of linked)
        this.action(doc, width, action, history, evidence, dueDates, end);
    }
    if (!findings.length) paragraph(doc, 'This core service had no findings on this date.');
    await this.appendix(doc, actions, evidence, asOf);
    await finishPdf(doc, `${serviceName} · evidence pack as at ${ukDate(asOf)}`, width, done);
    return findings.length;
  }

  private action(
    doc: Doc,
    width: number,
    action: ActionDto,
    history: ProgressUpdate[],
    evidence: Evidence[],
    dueDates: DueDateChange[],
    end: string,
  ): void {
    const actionName = `${action.reference ? `${action.reference} ` : ''}${action.title}`;
    // The action's name and facts start on a page with room for its history's first rows.
    keepSpace(doc, paragraphHeight(doc, actionName, true) + 90);
    paragraph(doc, actionName, { bold: true, spaceAfter: 0 });
    paragraph(
      doc,
      `Owner ${action.owner?.name ?? 'none'}; executive lead ${action.executiveLead?.name ?? 'none'}; due ${ukDate(action.dueDate)}` +
        `${action.dueDate !== action.originalDueDate ? ` (first committed ${ukDate(action.originalDueDate)})` : ''}; ` +
        `${labelOf(action.status)}, ${action.progress}% done; ${labelOf(action.deliveryStatus)}${action.brag ? ` (${labelOf(action.brag)})` : ''}.`,
    );
    const entries = [
      ...history
        .filter((h) => h.actionId === action.id)
        .map((h) => ({
          at: h.createdAt,
          row: [
            ukDate(londonDateOf(h.createdAt)),
            h.author?.name ?? '',
            h.statusTo
              ? `${labelOf(h.statusFrom) || 'New'} to ${labelOf(h.statusTo)}`
              : `${h.progress}% done${h.offTrack ? ', off track' : ''}`,
            h.note,
          ],
        })),
      ...dueDates
        .filter((d) => d.actionId === action.id)
        .map((d) => ({
          at: d.createdAt,
          row: [
            ukDate(londonDateOf(d.createdAt)),
            d.changedBy?.name ?? '',
            `Due date ${ukDate(d.previousDueDate)} to ${ukDate(d.newDueDate)}`,
            d.reason,
          ],
        })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    if (entries.length)
      table(
        doc,
        ['Date', 'By', 'Change', 'Note'],
        entries.map((e) => e.row),
        [80, 90, 110, width - 280],
        { title: `${actionName}: history` },
      );
    const items = evidence.filter((e) => e.actionId === action.id);
    if (items.length) {
      table(
        doc,
        ['Submitted', 'Evidence', 'Category', 'Review'],
        items.map((e) => {
          // The review as it stood on the date: a later review is not shown.
          const reviewed = e.reviewedAt && e.reviewedAt <= end;
          return [
            `${ukDate(londonDateOf(e.submittedAt))} by ${e.submittedBy?.name ?? ''}`,
            [e.title, e.url, e.note, fileLine(e), datesLine(e, londonDateOf(end))]
              .filter(Boolean)
              .join('\n'),
            labelOf(e.category),
            reviewed
              ? `${labelOf(e.reviewState)} by ${e.reviewedBy?.name ?? ''} on ${ukDate(londonDateOf(e.reviewedAt!))}${e.reviewNote ? `: ${e.reviewNote}` : ''}`
              : 'Awaiting review',
          ];
        }),
        [95, width - 325, 90, 140],
        { title: `${actionName}: evidence` },
      );
    } else {
      paragraph(doc, 'No evidence submitted.', { italic: true, spaceAfter: 0.5 });
    }
  }

  /** Every kept document of the pack's actions, in the order the pack shows them. */
  private async appendix(
    doc: Doc,
    actions: ActionDto[],
    evidence: Evidence[],
    asOf: string,
  ): Promise<void> {
    const order = new Map(actions.map((a, index) => [a.id, index]));
    const kept = evidence
      .filter((e) => e.fileMediaType && e.fileSha256)
      .sort((a, b) => (order.get(a.actionId) ?? 0) - (order.get(b.actionId) ?? 0) || a.id - b.id);
    if (!kept.length) return;
    heading(doc, 'Appendix: evidence documents');
    paragraph(
      doc,
      'Each document kept as evidence, as uploaded. Its SHA-256 identifies the exact file: the copy ' +
        'downloaded from the tracker has the same hash. Pictures are shown scaled.',
      { spaceAfter: 0.5 },
    );
    const actionNames = new Map(
      actions.map((a) => [a.id, a.reference ? `${a.reference} ${a.title}` : a.title]),
    );
    for (const [index, e] of kept.entries()) {
      const label = `E${index + 1}. ${e.fileName ?? e.title}`;
      keepSpace(doc, paragraphHeight(doc, label, true) + 60);
      paragraph(doc, label, { bold: true, spaceAfter: 0 });
      paragraph(
        doc,
        [
          `${describeMediaType(e.fileMediaType!)}, ${sizeInWords(e.fileSize ?? 0)}; SHA-256 ${e.fileSha256}.`,
          `"${e.title}", for ${actionNames.get(e.actionId) ?? `action ${e.actionId}`}.`,
          `Uploaded by ${e.submittedBy?.name ?? 'unknown'} on ${ukDate(londonDateOf(e.submittedAt))}.`,
          datesLine(e, asOf),
        ]
          .filter(Boolean)
          .join(' '),
        { spaceAfter: 0.5 },
      );
      if (e.fileMediaType === 'image/png' || e.fileMediaType === 'image/jpeg') {
        const bytes = await this.store.read(e.fileSha256!);
        const shown = bytes && picture(doc, bytes, `${e.title}: ${e.fileName ?? 'picture'}`);
        if (!shown) paragraph(doc, 'The picture could not be shown.', { italic: true });
      }
    }
  }
}

/** A kept document's line in the evidence table: name, type, size and hash. */
function fileLine(e: Evidence): string | null {
  if (!e.fileName) return null;
  if (!e.fileMediaType) return `${e.fileName} (SHA-256 ${e.fileSha256})`;
  return `${e.fileName} (${describeMediaType(e.fileMediaType)}, ${sizeInWords(e.fileSize ?? 0)}, SHA-256 ${e.fileSha256})`;
}

/** When the evidence holds from and until, and whether it had expired on the pack's date. */
function datesLine(e: Evidence, asOf: string): string | null {
  const parts = [
    e.effectiveDate ? `Effective ${ukDate(e.effectiveDate)}` : null,
    e.expiryDate
      ? `${evidenceExpired(e, asOf) ? 'Expired after' : 'Valid until'} ${ukDate(e.expiryDate)}`
      : null,
  ].filter(Boolean);
  return parts.length ? `${parts.join('; ')}.` : null;
}

function sizeInWords(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : megabytes(bytes);
}
