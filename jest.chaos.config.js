// `npm run test:chaos`: the chaos suite (test/chaos), faults injected through Toxiproxy. Not part
// of `npm test`: it takes about 15 minutes and says how the platform behaves, with figures.
const { projects } = require('./jest.config');

const integration = projects.find((project) => project.displayName === 'integration');

/** @type {import('jest').Config} */
module.exports = {
  ...integration,
  displayName: 'chaos',
  testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
  globalSetup: '<rootDir>/test/chaos/chaos-global-setup.ts',
  globalTeardown: '<rootDir>/test/chaos/chaos-global-teardown.ts',
  testTimeout: 360_000,
  // One platform at a time on two cores; the faults' timings are part of what is measured.
  maxWorkers: 1,
};
