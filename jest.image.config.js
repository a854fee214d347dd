// `npm run test:image`: the Dockerfile's build and runtime stages without a Docker engine
// (test/image). Not part of `npm test`: it builds the four production bundles, minutes on two
// cores. Set up as test:scale is: the real servers, one file at a time.
const scale = require('./jest.scale.config');

/** @type {import('jest').Config} */
module.exports = {
  ...scale,
  displayName: 'image',
  testMatch: ['<rootDir>/test/image/**/*.image-spec.ts'],
};
