import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidationArguments } from 'class-validator';
import { IsCalendarDate, IsOneOf, IsText } from '../../common/validators';
import {
  ASSURANCE_LEVELS,
  AssuranceLevel,
  BOARD_PURPOSES,
  BoardCover,
  BoardPurpose,
} from '../board-cover';

/** Optional words for the cover sheet: trimmed, a blank one is "not given". */
function CoverText(maxLength: number, description: string) {
  return applyDecorators(
    ApiPropertyOptional({ description, maxLength }),
    Transform(({ value }: { value: unknown }): unknown =>
      typeof value === 'string' ? value.trim() || undefined : value,
    ),
    IsOptional(),
    IsString({ message: (args: ValidationArguments) => `${args.property} must be text` }),
    MaxLength(maxLength, {
      message: (args: ValidationArguments) =>
        `${args.property} must be at most ${maxLength} characters (got ${String(args.value).length})`,
    }),
  );
}

/**
 * The board paper's cover sheet: query parameters of GET /reports/board, and the `cover` object
 * of POST /reports/issued, so a paper issued to the board carries the same cover sheet.
 */
export class BoardCoverFieldsDto implements BoardCover {
  @CoverText(200, 'The meeting, e.g. "Trust Board (public)"') meeting?: string;
  @ApiPropertyOptional({ description: 'Date of the meeting, YYYY-MM-DD' })
  @IsOptional()
  @IsCalendarDate()
  meetingDate?: string;
  @CoverText(50, 'Agenda item, e.g. "7.2"') agendaItem?: string;
  @CoverText(200, 'Author, name and role') author?: string;
  @CoverText(200, 'Executive sponsor, name and role') executiveSponsor?: string;
  @ApiPropertyOptional({ enum: BOARD_PURPOSES, description: 'What the board is asked to do' })
  @IsOptional()
  @IsOneOf(BOARD_PURPOSES)
  purpose?: BoardPurpose;
  @ApiPropertyOptional({
    enum: ASSURANCE_LEVELS,
    description: 'The assurance level the executive gives',
  })
  @IsOptional()
  @IsOneOf(ASSURANCE_LEVELS)
  assuranceLevel?: AssuranceLevel;
  @CoverText(500, 'Links to strategic risks, e.g. "BAF risk 3"') strategicRisks?: string;
  @CoverText(1000, 'The recommendation, one sentence') recommendation?: string;
  @CoverText(50, 'Protective marking on every page (default OFFICIAL-SENSITIVE)') marking?: string;
  @CoverText(50, 'Version, e.g. "1.0"') version?: string;
}

/** The CQC return's sign-off block; each left as a blank line to sign when not given. */
export class SignOffFieldsDto {
  @ApiPropertyOptional({ description: 'Sign-off: who signs the return (else a blank line)' })
  @IsOptional()
  @IsText(200)
  signOffName?: string;
  @ApiPropertyOptional({
    description: 'Sign-off: their role, e.g. Chief Nurse (else a blank line)',
  })
  @IsOptional()
  @IsText(200)
  signOffRole?: string;
  @ApiPropertyOptional({ description: 'Sign-off: the date signed, YYYY-MM-DD' })
  @IsOptional()
  @IsCalendarDate()
  signOffDate?: string;
}
