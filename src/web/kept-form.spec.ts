import { withKeptFields } from './kept-form';

describe('a kept form shown again', () => {
  it('fills the values, a date input and the version read, and says so', () => {
    const context = {
      values: { other: 'x' },
      version: 7,
      dueDate: { day: '', month: '', year: '' },
      title: 'Change the due date',
    };
    const shown = withKeptFields(context, {
      reason: 'Contractor delay',
      'dueDate[day]': '31',
      'dueDate[month]': '3',
      'dueDate[year]': '2027',
      version: '5',
    });
    expect(shown).toMatchObject({
      values: { other: 'x', reason: 'Contractor delay' },
      dueDate: { day: '31', month: '3', year: '2027' },
      version: '5',
      keptForm: true,
      title: 'Change the due date',
    });
  });
});
