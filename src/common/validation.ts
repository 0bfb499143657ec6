import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldProblem } from './app-error';

/** Flattens class-validator's tree into one `{ field, reason }` per problem, with paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent
      ? /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`
      : error.property;
    const missing = error.value === undefined || error.value === null || error.value === '';
    const own = Object.entries(error.constraints ?? {}).map(([constraint, reason]) => ({
      field,
      reason,
      constraint,
      ...(missing ? { missing } : {}),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The one global pipe: unknown fields are refused, bodies become typed DTOs. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new AppError(
        'VALIDATION_FAILED',
        'The request is not valid',
        flattenValidationErrors(errors),
      ),
  });
}
