import { Body, Controller, Get, Post, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { EvidenceDto } from '../actions/dto/action-read.dto';
import { UploadEvidenceDto } from '../actions/dto/action-write.dto';
import { Allow, CurrentUser, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses, ErrorBodyDto } from '../common/error-body';
import { IdParam } from '../common/request-params';
import { User } from '../users/user.entity';
import { EvidenceFilesService } from './evidence-files.service';
import { sendEvidenceFile } from './send-evidence-file';
import { EvidenceUpload, UploadedEvidenceFile } from './evidence-upload';
import { ALLOWED_MEDIA_TYPES } from './file-types';

@ApiErrorResponses()
@ApiTags('actions')
@Controller('api/v1')
export class EvidenceFilesController {
  constructor(
    private readonly files: EvidenceFilesService,
    private readonly upload: EvidenceUpload,
  ) {}

  @Post('actions/:id/evidence/files')
  @Allow('quality_lead', 'owner')
  @UseInterceptors(EvidenceUpload)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    description:
      'The document as "file" (at most EVIDENCE_MAX_BYTES, 20 MB by default; its type is read from its ' +
      `bytes and must be one of ${ALLOWED_MEDIA_TYPES.join(', ')}), with the evidence's title, and ` +
      'optionally category, note, effectiveDate and expiryDate. 413 past the size limit, 415 for a type not allowed.',
    schema: {
      type: 'object',
      required: ['file', 'title'],
      properties: {
        file: { type: 'string', format: 'binary' },
        title: { type: 'string', maxLength: 300 },
        note: { type: 'string' },
        category: { type: 'string' },
        effectiveDate: { type: 'string', format: 'date' },
        expiryDate: { type: 'string', format: 'date' },
      },
    },
  })
  @ApiCreatedResponse({ type: EvidenceDto })
  @ApiResponse({
    status: 413,
    type: ErrorBodyDto,
    description: 'EVIDENCE_FILE_TOO_LARGE: over EVIDENCE_MAX_BYTES (20 MB by default)',
  })
  @ApiResponse({
    status: 415,
    type: ErrorBodyDto,
    description: 'EVIDENCE_FILE_TYPE_NOT_ALLOWED: the bytes are not an allowed type (named)',
  })
  uploadFile(
    @IdParam() id: number,
    @Body() dto: UploadEvidenceDto,
    @CurrentUser() user: User,
    @UploadedFile() file?: UploadedEvidenceFile,
  ) {
    return this.files.upload(id, dto, file, user, this.upload.maxBytes);
  }

  @Get('evidence/:id/file')
  @Allow(...READ_ROLES)
  @ApiProduces(...ALLOWED_MEDIA_TYPES)
  @ApiOkResponse({
    description:
      'The kept document, byte for byte, as an attachment; ETag and X-Content-SHA256 carry its SHA-256',
  })
  async download(@IdParam() id: number, @Res() response: Response) {
    await sendEvidenceFile(response, await this.files.download(id));
  }
}
