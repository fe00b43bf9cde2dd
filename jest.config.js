/** Tests run as native ESM (npm test passes --experimental-vm-modules); ts-jest only strips types. */
export default {
  // Node's environment, closing what a failed test file left open, so that `npm test` always exits.
  testEnvironment: '<rootDir>/__tests__/helpers/environment.ts',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 30000,
};
