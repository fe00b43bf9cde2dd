/** The fake GitHub of catalog sync's tests and benchmark: see fake-github/index.ts. */
export * from './fake-github/index.ts';
