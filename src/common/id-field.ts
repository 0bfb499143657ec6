import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { validationFailed } from './app-error';
import { MAX_ID } from './validators';

export interface IdFieldOptions {
  /** May be left out. */
  optional?: boolean;
  /** May be sent as null to clear it (a finding's core service or inspection); otherwise null is a 400. */
  nullable?: boolean;
  /** From the query string: converted from text first. */
  query?: boolean;
  /** A list of ids. */
  each?: boolean;
  description?: string;
}

/**
 * The name of a validation that always passes and only marks the property as declared with
 * {@link IdField}; class-validator's metadata (and so the mark) is copied by PartialType and
 * friends, so a spec can find every id field declared without it.
 */
export const ID_FIELD = 'idField';

function MarkIdField(): PropertyDecorator {
  return function (object: object, propertyName: string | symbol) {
    registerDecorator({
      name: ID_FIELD,
      target: object.constructor,
      propertyName: String(propertyName),
      validator: { validate: () => true },
    });
  };
}

const idReason = `must be a whole number from 1 to ${MAX_ID}`;

/**
 * Refuses null unless the field may be cleared. TypeORM drops a `where` condition whose value
 * is null or undefined, so `findOneBy({ id: null })` answers with the first row: a null id
 * must never get past validation.
 */
function IsNotNull(): PropertyDecorator {
  return function (object: object, propertyName: string | symbol) {
    registerDecorator({
      name: 'isNotNull',
      target: object.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must not be null; leave it out, or name an id (${idReason})`,
      },
      validator: { validate: (value: unknown) => value !== null },
    });
  };
}

/**
 * Every id field of every DTO: a whole number from 1 to the column's maximum. Left out is
 * allowed only when `optional`; null only when `nullable` (and means "clear it").
 */
export function IdField(options: IdFieldOptions = {}): PropertyDecorator {
  const { optional = false, nullable = false, query = false, each = false } = options;
  const each_ = { each };
  const message = (args: ValidationArguments) =>
    `${args.property} ${each ? 'must hold ids that are' : ''} ${idReason}`.replace(/\s+/g, ' ');
  const doc: ApiPropertyOptions = each
    ? { description: options.description, nullable: nullable || undefined, type: [Number] }
    : { description: options.description, nullable: nullable || undefined, type: Number };
  const decorators: PropertyDecorator[] = [
    optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    // Left out (and, when nullable, null) skips the checks below; null otherwise fails IsNotNull.
    ValidateIf((_object, value) =>
      optional ? value !== undefined && !(nullable && value === null) : true,
    ),
  ];
  if (!nullable) decorators.push(IsNotNull());
  if (query) decorators.push(Type(() => Number));
  if (each) decorators.push(IsArray());
  decorators.push(
    IsInt({ ...each_, message }),
    Min(1, { ...each_, message }),
    Max(MAX_ID, { ...each_, message }),
    MarkIdField(),
  );
  return applyDecorators(...decorators);
}

/**
 * The guard before an id reaches `findOneBy`/`findOne({ where })`: TypeORM would drop a null
 * or undefined condition and return the first row, so such a value is a 400 naming the field.
 */
export function requireId(value: number | null | undefined, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ID) {
    throw validationFailed(field, idReason);
  }
  return value;
}
