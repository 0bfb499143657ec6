import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
