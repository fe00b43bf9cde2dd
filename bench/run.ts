/**
 * `npm run bench -- <name>`: runs one benchmark (or all with no name) and prints its figures.
 * Benchmarks measure; they never pass or fail on a figure.
 */
const benchmarks: Record<string, () => Promise<unknown>> = {
  catalog: async () => (await import('./catalog.ts')).runCatalogBenchmark(),
  runs: async () => (await import('./runs.ts')).runRunsBenchmark(),
  app: async () => (await import('./app.ts')).runAppBenchmark(),
  action: async () => (await import('./action.ts')).runActionBenchmark(),
  sync: async () => (await import('./sync.ts')).runSyncBenchmark(),
  hostile: async () => (await import('./hostile.ts')).runHostileBenchmark(),
};

const requested = process.argv.slice(2);
const names = requested.length > 0 ? requested : Object.keys(benchmarks);
for (const name of names) {
  const run = benchmarks[name];
  if (!run) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  await run();
}
