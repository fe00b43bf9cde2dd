import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { closeIfLeftOpen } from '../open-resources.ts';
import { readStatus, STATUS_VARIABLE, URL_VARIABLE, wantedFile } from './status.ts';

/** How long a test waits for the run's server to start (it usually takes about 1 s, mostly initdb). */
const WAIT_MS = 90_000;
const POLL_MS = 20;

export interface TestDatabase {
  /** The database's name: the suite's, made safe, with a random suffix. */
  readonly name: string;
  /** postgres://...: what DATABASE_URL would be. */
  readonly url: string;
  /** Drops the database, ending the connections still open to it. Also done when the test file ends. */
  drop(): Promise<void>;
}

/**
 * The URL of the run's PostgreSQL server (its maintenance database), once it accepts connections: the first call
 * of the run starts it. Throws, saying why, when it could not start.
 */
export async function testPostgresUrl(): Promise<string> {
  const url = process.env[URL_VARIABLE];
  if (!url) {
    throw new Error(
      `no test PostgreSQL server: run the tests with npm test (jest.config.js's globalSetup starts one), or set ${URL_VARIABLE}`,
    );
  }
  const statusFile = process.env[STATUS_VARIABLE];
  if (!statusFile) return url; // a server of the developer's own
  if (!(await readStatus(statusFile))) await writeFile(wantedFile(statusFile), '');
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const status = await readStatus(statusFile);
    if (status?.state === 'ready') return url;
    if (status?.state === 'failed') throw new Error(`the test PostgreSQL server could not start: ${status.message}`);
    if (Date.now() > deadline) throw new Error(`the test PostgreSQL server did not start within ${WAIT_MS / 1000} s`);
    await sleep(POLL_MS);
  }
}

/**
 * A new, empty database on the run's server, for one suite (`name` says which). Dropped by `drop()`, or when the
 * test file ends if it was not.
 */
export async function createTestDatabase(name: string): Promise<TestDatabase> {
  const serverUrl = await testPostgresUrl();
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 40);
  const database = `wharf_${slug}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE "${database}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> =>
    (dropped ??= onServer(serverUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  const forget = closeIfLeftOpen(drop);
  return {
    name: database,
    url: url.toString(),
    drop: () => {
      forget();
      return drop();
    },
  };
}

/** Runs one statement on the server's maintenance database, on a connection of its own. */
async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // the query's own failure says what went wrong
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
