import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

export class FieldProblemDto {
  @ApiProperty({ example: 'dueDate' }) field: string;
  @ApiProperty({ example: 'must not be before startDate (2026-01-10)' }) reason: string;
}

/** The one body shape of every error response. */
export class ErrorBodyDto {
  @ApiProperty({ example: 409 }) statusCode: number;
  @ApiProperty({ example: 'VERSION_CONFLICT' }) code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ type: [FieldProblemDto] }) errors?: FieldProblemDto[];
}

/** Documents the error responses a controller's routes can give, all in the one body shape. */
export function ApiErrorResponses() {
  return applyDecorators(
    ApiBadRequestResponse({
      type: ErrorBodyDto,
      description: 'Invalid input; `errors` lists each field and reason',
    }),
    ApiNotFoundResponse({ type: ErrorBodyDto }),
    ApiConflictResponse({
      type: ErrorBodyDto,
      description: 'Stale version, duplicate, or a status change the rules refuse',
    }),
    ApiUnprocessableEntityResponse({
      type: ErrorBodyDto,
      description: 'Refers to something missing, or breaks a rule',
    }),
  );
}
