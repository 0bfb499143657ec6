import { dateInput, toFormErrors, validateForm } from './forms';
import { AddEvidenceDto, ChangeDueDateDto, PostProgressDto } from '../actions/dto/action-write.dto';

describe('form messages', () => {
  it('words each field of a known form in the NHS.UK style, in the order of the form', async () => {
    const { problems } = await validateForm(AddEvidenceDto, { title: 'x'.repeat(301) });
    const { errorList, errors } = toFormErrors(problems, {}, 'action.evidence');
    expect(errorList).toEqual([
      { text: 'Title must be 300 characters or fewer', href: '#title' },
      { text: 'Select what kind of evidence it is', href: '#kind' },
    ]);
    expect(errors.kind).toBe('Select what kind of evidence it is');
  });

  it('says what to enter, not why a value is not a string', async () => {
    const { problems } = await validateForm(PostProgressDto, { progress: 'abc' });
    const { errorList } = toFormErrors(problems, {}, 'action.progress');
    expect(errorList.map((e) => e.text)).toEqual([
      'Enter what has happened since the last update',
      'Progress must be a whole number from 0 to 100',
    ]);
  });

  it('links a date to its first box and never shows an ISO date', async () => {
    const date = dateInput(
      { 'dueDate[day]': '31', 'dueDate[month]': '2', 'dueDate[year]': '2027' },
      'dueDate',
      'Due date',
      true,
    );
    const { problems } = await validateForm(ChangeDueDateDto, { reason: 'x' });
    const { errorList } = toFormErrors([date.problem!, ...problems], {}, 'action.due-date');
    expect(errorList).toEqual([{ text: 'New due date must be a real date', href: '#dueDate-day' }]);
    const before = toFormErrors(
      [
        {
          field: 'dueDate',
          reason: 'must not be before startDate (2027-06-01)',
          constraint: 'isNotBefore',
        },
      ],
      {},
      'action.new',
    );
    expect(before.errorList[0]).toEqual({
      text: 'Enter a due date that is after the start date',
      href: '#dueDate-day',
    });
    const unknown = toFormErrors([{ field: 'form', reason: 'It was due on 2027-06-01' }], {});
    expect(unknown.errorList[0].text).toBe('It was due on 1 June 2027');
  });
});
