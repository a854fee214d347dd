// One `npm test` runs everything: fast unit specs first, then the suites that talk to the
// real PostgreSQL, RabbitMQ and MongoDB-compatible servers.
const fs = require('node:fs');
const path = require('node:path');

const swcOptions = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcOptions.jsc.baseUrl;
delete swcOptions.jsc.paths;

const moduleNameMapper = {
  '^@shop/(resilience|contracts|platform)$': '<rootDir>/libs/$1/src',
  '^@shop/(resilience|contracts|platform)/(.*)$': '<rootDir>/libs/$1/src/$2',
};

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/.cache/', '<rootDir>/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      // scripts/: the list of apps (apps.json) and the files that must agree with it.
      testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/*/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
  ],
  testTimeout: 60_000,
  // Suites that start whole platforms time calls in seconds; on two cores they run one at a time.
  maxWorkers: 1,
  collectCoverage: true,
  // The threshold guards the published library; test code (specs, the store contract) is not part of it.
  collectCoverageFrom: [
    '<rootDir>/libs/resilience/src/**/*.ts',
    '!<rootDir>/libs/resilience/src/**/index.ts',
    '!<rootDir>/libs/resilience/src/**/*.spec.ts',
    '!<rootDir>/libs/resilience/src/**/testing/**',
  ],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: {
    './libs/resilience/src/': { lines: 95 },
  },
};
