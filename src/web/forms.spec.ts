import { toFormErrors } from './forms';

describe('form errors', () => {
  it('puts the field’s label before a reason, unless the reason already names it', () => {
    const labels = { file: 'The file', title: 'Title' };
    const { errorList, errors } = toFormErrors(
      [
        { field: 'file', reason: 'the file is empty' },
        { field: 'title', reason: 'must not be empty' },
        { field: 'other', reason: 'is not allowed' },
      ],
      labels,
    );
    expect(errors).toEqual({
      file: 'The file is empty',
      title: 'Title must not be empty',
      other: 'Is not allowed',
    });
    expect(errorList.map((e) => e.href)).toEqual(['#file', '#title', '#other']);
  });
});
