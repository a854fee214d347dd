// `npm run test:scale`: suites that run several replicas of every service under load. Too heavy
// for `npm test` (minutes each on two cores), so they match a suffix of their own.
const base = require('./jest.config');

const integration = base.projects.find((project) => project.displayName === 'integration');

/** @type {import('jest').Config} */
module.exports = {
  ...integration,
  displayName: 'scale',
  testMatch: ['<rootDir>/test/scale/**/*.scale-spec.ts'],
  testTimeout: base.testTimeout,
  maxWorkers: 1,
};
