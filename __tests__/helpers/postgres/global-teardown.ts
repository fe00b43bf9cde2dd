import { rm } from 'node:fs/promises';
import { type PostgresRun, RUN } from './global-setup.ts';

/** jest's globalTeardown: stops the run's PostgreSQL server, if a test started it, and removes its folder. */
export default async function globalTeardown(): Promise<void> {
  const scope = globalThis as { [RUN]?: PostgresRun };
  const run = scope[RUN];
  if (!run) return;
  delete scope[RUN];
  clearInterval(run.watch);
  const server = await run.server;
  await server?.stop();
  await rm(run.folder, { recursive: true, force: true });
}
