import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { DataSource } from 'typeorm';
import { Actor } from '../actions/action-rules';
import { Action } from '../actions/action.entity';
import { EvidenceDto } from '../actions/dto/action-read.dto';
import { UploadEvidenceDto } from '../actions/dto/action-write.dto';
import { Evidence } from '../actions/evidence.entity';
import { EvidenceService } from '../actions/evidence.service';
import { TrustAccess } from '../auth/trust-access';
import { AppError, validationFailed } from '../common/app-error';
import { detectFileType } from './file-types';
import { EVIDENCE_STORE, EvidenceStore } from './evidence-store';
import { UploadedEvidenceFile, evidenceTooLarge } from './evidence-upload';

/** A kept document, ready to send. */
export interface EvidenceDownload {
  fileName: string;
  mediaType: string;
  sha256: string;
  content: Buffer;
}

const notFound = (id: number) => new AppError('EVIDENCE_NOT_FOUND', `No evidence ${id}`);

/** Uploading evidence documents and sending them back (issue 20). */
@Injectable()
export class EvidenceFilesService {
  constructor(
    private readonly evidence: EvidenceService,
    private readonly dataSource: DataSource,
    @Inject(EVIDENCE_STORE) private readonly store: EvidenceStore,
  ) {}

  /**
   * Adds a document as evidence: its type read from its bytes (allowed types only), its
   * SHA-256 computed, and its bytes kept once per hash, with the evidence item in one
   * transaction. The file was already bounded by EVIDENCE_MAX_BYTES as it arrived; it is read
   * from its temporary file once, into one buffer.
   */
  async upload(
    actionId: number,
    dto: UploadEvidenceDto,
    file: UploadedEvidenceFile | undefined,
    actor: Actor,
    maxBytes: number,
  ): Promise<EvidenceDto> {
    // Another trust's action is not found, before anything about the file is said.
    const action = await this.dataSource
      .getRepository(Action)
      .findOne({ where: { id: actionId }, select: { id: true, organisationId: true } });
    TrustAccess.requireReadable(
      action?.organisationId,
      () => new AppError('ACTION_NOT_FOUND', `No action ${actionId}`),
    );
    if (!file) throw validationFailed('file', 'choose a file to upload (multipart field "file")');
    if (file.size > maxBytes) throw evidenceTooLarge(maxBytes);
    const bytes = await fs.readFile(file.path);
    if (bytes.length === 0) throw validationFailed('file', 'the file is empty');
    const fileName = cleanFileName(file.originalname);
    const detected = detectFileType(bytes, fileName);
    if (!detected.allowed) {
      const reason =
        `the file is ${detected.description}, which is not a type evidence may be; allowed: ` +
        'PDF, Word (docx, doc), Excel (xlsx, xls), PowerPoint (pptx), OpenDocument (odt, ods), ' +
        'PNG, JPEG, GIF, WebP images and plain text or CSV';
      throw new AppError('EVIDENCE_FILE_TYPE_NOT_ALLOWED', `Evidence file refused: ${reason}`, [
        { field: 'file', reason },
      ]);
    }
    const facts = {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      mediaType: detected.type.mediaType,
    };
    return this.evidence.add(actionId, { ...dto, kind: 'file', title: dto.title }, actor, {
      ...facts,
      fileName,
      keep: (manager) => this.store.put(manager, facts, bytes),
    });
  }

  /**
   * A kept document, for someone who may see its action (the action's own read rule:
   * another trust's evidence is not found, as its action would not be).
   */
  async download(evidenceId: number): Promise<EvidenceDownload> {
    const item = await this.dataSource.getRepository(Evidence).findOneBy({ id: evidenceId });
    if (!item) throw notFound(evidenceId);
    const action = await this.dataSource
      .getRepository(Action)
      .findOne({ where: { id: item.actionId }, select: { id: true, organisationId: true } });
    TrustAccess.requireReadable(action?.organisationId, () => notFound(evidenceId));
    const content =
      item.fileSha256 && item.fileMediaType ? await this.store.read(item.fileSha256) : null;
    if (!content || !item.fileSha256 || !item.fileMediaType) {
      throw new AppError(
        'EVIDENCE_FILE_NOT_FOUND',
        `Evidence ${evidenceId} has no kept document (it is a link, a note, or a file named but not uploaded)`,
      );
    }
    return {
      fileName: downloadName(item.fileName ?? `evidence-${evidenceId}`, item.fileMediaType),
      mediaType: item.fileMediaType,
      sha256: item.fileSha256,
      content,
    };
  }
}

/** The uploaded name without any folder a browser sent, control characters or excess length. */
function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // Control characters, and the bidirectional controls that make "\u202egnp.pdf" show as a .png.
  const clean = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
  return (clean || 'evidence').slice(-255);
}

/** The kept name, with the detected type's extension added when the name does not end in it. */
function downloadName(name: string, mediaType: string): string {
  const extensions: Record<string, string[]> = {
    'application/pdf': ['pdf'],
    'image/png': ['png'],
    'image/jpeg': ['jpg', 'jpeg'],
    'image/gif': ['gif'],
    'image/webp': ['webp'],
    'text/plain': ['txt', 'text', 'log', 'md'],
    'text/csv': ['csv'],
  };
  const wanted = extensions[mediaType] ?? [];
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (!wanted.length || (extension && wanted.includes(extension))) return name;
  return `${name}.${wanted[0]}`;
}
