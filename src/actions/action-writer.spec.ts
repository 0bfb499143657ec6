import { actionTextProblems, dueDateMoveProblem, newActionProblems } from './action-writer';

describe('the action writer refuses what the API refuses', () => {
  it('refuses text over the API limits, counting characters not UTF-16 units', () => {
    expect(actionTextProblems({ title: 'x'.repeat(300), reference: 'R'.repeat(30) })).toEqual([]);
    expect(actionTextProblems({ title: '😀'.repeat(300) })).toEqual([]);
    expect(
      actionTextProblems({ title: 'x'.repeat(301), successMeasure: 'y'.repeat(5001) }),
    ).toEqual([
      { field: 'title', reason: 'must be at most 300 characters (got 301)' },
      { field: 'successMeasure', reason: 'must be at most 5000 characters (got 5001)' },
    ]);
    expect(actionTextProblems({ title: '   ' })).toEqual([
      { field: 'title', reason: 'must not be empty' },
    ]);
  });

  it('checks a new action: findings, dates, and who moved a revised date', () => {
    const base = { organisationId: 1, title: 'Act', dueDate: '2030-01-31', findingIds: [1] };
    expect(newActionProblems(base)).toEqual([]);
    expect(newActionProblems({ ...base, findingIds: [], startDate: '2030-02-01' })).toEqual([
      { field: 'findingIds', reason: 'an action addresses at least one finding' },
      // The failed check travels with the problem so the pages can word it (stripped from API answers).
      {
        field: 'startDate',
        reason: 'must not be after dueDate (2030-01-31)',
        constraint: 'isNotAfter',
      },
    ]);
    expect(newActionProblems({ ...base, originalDueDate: '2029-12-31' })).toEqual([
      { field: 'changedById', reason: 'a moved due date names who moved it' },
    ]);
  });

  it('moves a due date only on an open action, to a new date, not before the start', () => {
    const open = { status: 'IN_PROGRESS' as const, dueDate: '2030-01-31', startDate: '2030-01-01' };
    expect(dueDateMoveProblem(open, '2030-03-31')).toBeNull();
    expect(dueDateMoveProblem(open, '2030-01-31')?.code).toBe('DUE_DATE_UNCHANGED');
    expect(dueDateMoveProblem(open, '2029-12-31')?.code).toBe('VALIDATION_FAILED');
    expect(dueDateMoveProblem({ ...open, status: 'COMPLETED' }, '2030-03-31')?.code).toBe(
      'ACTION_CLOSED',
    );
  });
});
