import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, registerDecorator, ValidationArguments } from 'class-validator';
import { IsOneOf } from '../../common/validators';
import {
  findRegulation,
  REGULATION_INSTRUMENTS,
  REGULATION_PARAGRAPH_PATTERN,
  RegulationInstrument,
} from '../../cqc/regulations';

/** The regulation number must exist in the instrument the citation names. */
function IsRegulationOfInstrument() {
  return function (object: object, propertyName: string) {
    registerDecorator({
      name: 'isRegulationOfInstrument',
      target: object.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) => {
          const instrument = (args.object as RegulationCitationDto).instrument;
          return `number ${JSON.stringify(args.value)} is not a regulation of the ${String(instrument)} regulations`;
        },
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const instrument = (args.object as RegulationCitationDto).instrument;
          if (!(REGULATION_INSTRUMENTS as readonly number[]).includes(instrument)) return true; // reported on instrument
          return typeof value === 'string' && findRegulation(instrument, value) !== undefined;
        },
      },
    });
  };
}

export class RegulationCitationDto {
  @ApiProperty({ enum: REGULATION_INSTRUMENTS, example: 2014 })
  @IsOneOf(REGULATION_INSTRUMENTS)
  instrument: RegulationInstrument;
  @ApiProperty({ example: '12' }) @IsRegulationOfInstrument() number: string;
  @ApiPropertyOptional({ example: '(1)(2)(a)', nullable: true, type: String })
  @IsOptional()
  @Matches(REGULATION_PARAGRAPH_PATTERN, {
    message: (args: ValidationArguments) =>
      `paragraph must look like (1)(2)(a); got ${JSON.stringify(args.value)}`,
  })
  paragraph?: string | null;
}
