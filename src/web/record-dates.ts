import { FieldProblem } from '../common/app-error';
import { dateInput } from './forms';

/**
 * `dateInput`, with its "enter the ..." for a missing date written as the sentence people
 * read ("Enter the reinspection date"): the record's pages show it as it is, not after the
 * field's label.
 */
export function dateAnswer(
  body: Record<string, unknown>,
  name: string,
  label: string,
  required: boolean,
): { value?: string; problem?: FieldProblem } {
  const result = dateInput(body, name, label, required);
  const reason = result.problem?.reason;
  if (reason?.startsWith('enter ')) {
    return { problem: { field: name, reason: reason.charAt(0).toUpperCase() + reason.slice(1) } };
  }
  return result;
}
