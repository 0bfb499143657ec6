import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { Observable } from 'rxjs';
import { IMPORT_LIMITS, importLimitExceeded, megabytes } from './import-limits';

const Multer = FileInterceptor('file', {
  limits: { fileSize: IMPORT_LIMITS.uploadBytes, files: 1 },
});

/**
 * The multipart `file` of an import (API and pages alike), read into memory by multer, which
 * stops reading at the upload limit. Past it the answer is the same `413
 * IMPORT_LIMIT_EXCEEDED` as every other import limit, naming `uploadBytes`.
 */
@Injectable()
export class ImportUpload implements NestInterceptor {
  private readonly multer = new Multer();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.multer.intercept(context, next);
    } catch (error) {
      if (error instanceof PayloadTooLargeException) {
        throw importLimitExceeded(
          'uploadBytes',
          `the file is larger than ${megabytes(IMPORT_LIMITS.uploadBytes)}, the most an import takes`,
        );
      }
      throw error;
    }
  }
}
