import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsString,
  MaxLength,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { EARLIEST_DATE, isSupportedDate, LATEST_DATE, todayDate } from './dates';

/** An enum check whose message names the value that was refused. */
export function IsOneOf(values: readonly (string | number)[], options: ValidationOptions = {}) {
  return IsIn(values as (string | number)[], {
    ...options,
    message: (args: ValidationArguments) =>
      `${args.property} ${JSON.stringify(args.value)} is not one of: ${values.join(', ')}`,
  });
}

/** A non-blank string of bounded length: the usual text field. */
export function IsText(maxLength: number) {
  return applyDecorators(
    IsString(),
    IsNotEmpty({ message: (args: ValidationArguments) => `${args.property} must not be empty` }),
    MaxLength(maxLength, {
      message: (args: ValidationArguments) =>
        `${args.property} must be at most ${maxLength} characters (got ${String(args.value).length})`,
    }),
  );
}

/**
 * Required words, stored trimmed: spaces around the text are dropped before it is checked, so
 * text of spaces alone is refused with `blankMessage` (a sentence saying what to enter).
 */
export function IsTrimmedText(maxLength: number, blankMessage: string) {
  return applyDecorators(
    Transform(({ value }: { value: unknown }): unknown =>
      typeof value === 'string' ? value.trim() : value,
    ),
    IsString({ message: (args: ValidationArguments) => `${args.property} must be text` }),
    IsNotEmpty({ message: blankMessage }),
    MaxLength(maxLength, {
      message: (args: ValidationArguments) =>
        `${args.property} must be at most ${maxLength} characters (got ${String(args.value).length})`,
    }),
  );
}

/** A real calendar date written `YYYY-MM-DD`, from 1900-01-01 to 2199-12-31. */
export function IsCalendarDate(options: ValidationOptions = {}) {
  return function (object: object, propertyName: string) {
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName,
      options: {
        ...options,
        message: (args: ValidationArguments) =>
          `${args.property} must be a real date written YYYY-MM-DD, from ${EARLIEST_DATE} to ${LATEST_DATE}; got ${JSON.stringify(args.value)}`,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isSupportedDate(value),
      },
    });
  };
}

/**
 * An as-at date: a real date, and not after today (the London day). The record can say what
 * was true on any past day, but not what will be.
 */
export function IsAsOfDate(options: ValidationOptions = {}) {
  return function (object: object, propertyName: string) {
    IsCalendarDate(options)(object, propertyName);
    registerDecorator({
      name: 'isNotInFuture',
      target: object.constructor,
      propertyName,
      options: {
        ...options,
        message: (args: ValidationArguments) =>
          `${args.property} ${String(args.value)} is in the future: reports can be produced as at today (${todayDate()}) or an earlier day`,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || !isSupportedDate(value) || value <= todayDate(),
      },
    });
  };
}

/**
 * A date of something that has happened (a rating given): a real date, and not after today
 * (the London day). A future one would show as current before it is.
 */
export function IsPastDate(options: ValidationOptions = {}) {
  return function (object: object, propertyName: string) {
    IsCalendarDate(options)(object, propertyName);
    registerDecorator({
      name: 'isNotInFuture',
      target: object.constructor,
      propertyName,
      options: { message: 'Enter a date that is today or in the past', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || !isSupportedDate(value) || value <= todayDate(),
      },
    });
  };
}

/** This date must not be before the one in `otherProperty` (when both are given). */
export function IsNotBefore(otherProperty: string, options: ValidationOptions = {}) {
  return function (object: object, propertyName: string) {
    registerDecorator({
      name: 'isNotBefore',
      target: object.constructor,
      propertyName,
      constraints: [otherProperty],
      options: {
        ...options,
        message: (args: ValidationArguments) =>
          `${args.property} must not be before ${otherProperty} (${String(
            (args.object as Record<string, unknown>)[otherProperty],
          )})`,
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const other = (args.object as Record<string, unknown>)[otherProperty];
          if (typeof value !== 'string' || typeof other !== 'string') return true;
          return value >= other;
        },
      },
    });
  };
}

/** A query-string flag: only the words true and false are accepted. */
export function IsBooleanQuery() {
  return applyDecorators(
    Transform(({ value }: { value: unknown }): unknown =>
      value === 'true' ? true : value === 'false' ? false : value,
    ),
    IsBoolean({ message: (args: ValidationArguments) => `${args.property} must be true or false` }),
  );
}

/**
 * For PartialType: a field the create DTO requires is validated when it is null, so a partial
 * update cannot null it; fields the create DTO marks @IsOptional may still be cleared with null.
 */
export const NOT_NULL = { skipNullProperties: false } as const;

/** The largest id a column holds (PostgreSQL integer); a larger one cannot name a row. */
export const MAX_ID = 2_147_483_647;
