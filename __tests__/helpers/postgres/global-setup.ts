import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort, type PostgresServer, randomPassword, startPostgresServer } from './server.ts';
import { STATUS_VARIABLE, URL_VARIABLE, wantedFile, writeStatus } from './status.ts';

/** What global-teardown.ts stops: the server, once asked for, and the run's folder. */
export const RUN = Symbol.for('wharf.testPostgres');

export interface PostgresRun {
  folder: string;
  watch: NodeJS.Timeout;
  server?: Promise<PostgresServer | undefined>;
}

/** How often the run looks whether a test asked for the server. */
const WATCH_MS = 25;

/**
 * jest's globalSetup: one PostgreSQL server for the whole `npm test` run, started when the first test asks for it
 * (createTestDatabase), so that a run without such tests starts none. It listens on a free loopback port chosen
 * now, with a password chosen now, and keeps its data in a fresh temporary folder. A failure to start fails only
 * the tests that need it, saying why.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[URL_VARIABLE] && !process.env[STATUS_VARIABLE]) return; // a server of the developer's own
  const folder = await mkdtemp(join(tmpdir(), 'wharf-test-postgres-'));
  const port = await freeLoopbackPort();
  const password = randomPassword();
  const statusFile = join(folder, 'status.json');
  process.env[URL_VARIABLE] = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  process.env[STATUS_VARIABLE] = statusFile;

  // Test files run in other processes, or in this one in a context of their own: they ask through a file.
  const run: PostgresRun = {
    folder,
    watch: setInterval(() => {
      if (!existsSync(wantedFile(statusFile))) return;
      clearInterval(run.watch);
      const started = performance.now();
      run.server = startPostgresServer(folder, port, password).then(
        async (server) => {
          await writeStatus(statusFile, { state: 'ready', startMs: Math.round(performance.now() - started) });
          return server;
        },
        async (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          await writeStatus(statusFile, { state: 'failed', message });
          return undefined;
        },
      );
    }, WATCH_MS).unref(),
  };
  (globalThis as { [RUN]?: PostgresRun })[RUN] = run;
}
