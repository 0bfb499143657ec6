import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { Observable, finalize } from 'rxjs';
import { diskStorage } from 'multer';
import { AppError } from '../common/app-error';
import { APP_CONFIG, AppConfig, DEFAULT_EVIDENCE_MAX_BYTES } from '../config/configuration';
import { megabytes } from '../imports/import-limits';

/** An uploaded evidence file as multer leaves it: on disk, in the system's temporary directory. */
export interface UploadedEvidenceFile {
  path: string;
  originalname: string;
  size: number;
}

/**
 * The multipart `file` of an evidence upload (API and pages alike). Multer streams it to a
 * temporary file and stops reading at EVIDENCE_MAX_BYTES, so a 20 MB upload is never held in
 * memory while it arrives; past the limit the answer is `413 EVIDENCE_FILE_TOO_LARGE` naming
 * the limit. The temporary file is deleted when the request is done, whatever happened.
 */
@Injectable()
export class EvidenceUpload implements NestInterceptor {
  private readonly multer: NestInterceptor;
  readonly maxBytes: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.maxBytes = config.evidenceMaxBytes ?? DEFAULT_EVIDENCE_MAX_BYTES;
    const Multer = FileInterceptor('file', {
      storage: diskStorage({ destination: os.tmpdir() }),
      limits: { fileSize: this.maxBytes, files: 1, fields: 20, fieldSize: 100_000 },
      // Browsers send a file's name as UTF-8; busboy's default would read it as Latin-1.
      defParamCharset: 'utf8',
    });
    this.multer = new Multer();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<{ file?: UploadedEvidenceFile }>();
    const removeTemporary = () => {
      if (request.file?.path) void fs.rm(request.file.path, { force: true });
    };
    try {
      const handled = await this.multer.intercept(context, next);
      return handled.pipe(finalize(removeTemporary));
    } catch (error) {
      removeTemporary();
      if (error instanceof PayloadTooLargeException) {
        throw evidenceTooLarge(this.maxBytes);
      }
      throw error;
    }
  }
}

export function evidenceTooLarge(maxBytes: number): AppError {
  const reason = `the file is larger than ${megabytes(maxBytes)} (${maxBytes} bytes), the most an evidence file may be (EVIDENCE_MAX_BYTES)`;
  return new AppError('EVIDENCE_FILE_TOO_LARGE', `Evidence file too large: ${reason}`, [
    { field: 'file', reason },
  ]);
}
