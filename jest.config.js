// Unit tests sit beside the code they test (src/**/*.spec.ts); e2e tests drive the real app
// on a real database (test/**/*.e2e-spec.ts). Type checking is `npm run typecheck`'s job, so
// ts-jest only transpiles here.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testRegex: '\\.spec\\.ts$',
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testRegex: '\\.e2e-spec\\.ts$',
      transform,
    },
    {
      // Load, crash and restart tests against the built app as separate processes; run by
      // `npm run test:reliability` and .ci/run, not by `npm test`.
      displayName: 'reliability',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/reliability'],
      testRegex: '\\.reliability-spec\\.ts$',
      transform,
    },
  ],
  maxWorkers: 2,
  testTimeout: 60000,
};
