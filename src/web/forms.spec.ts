import { toFormErrors } from './forms';

describe('form errors', () => {
  it('puts the field’s label before a reason, unless the reason names it or is a sentence', () => {
    const labels = { file: 'The file', title: 'Title', meeting: 'Meeting' };
    const { errorList, errors } = toFormErrors(
      [
        { field: 'file', reason: 'the file is empty' },
        { field: 'title', reason: 'must not be empty' },
        { field: 'other', reason: 'is not allowed' },
        { field: 'meeting', reason: 'Enter the meeting the report is issued to' },
      ],
      labels,
    );
    expect(errors).toEqual({
      file: 'The file is empty',
      title: 'Title must not be empty',
      other: 'Is not allowed',
      meeting: 'Enter the meeting the report is issued to',
    });
    expect(errorList.map((e) => e.href)).toEqual(['#file', '#title', '#other', '#meeting']);
  });
});
