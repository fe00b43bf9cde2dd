/**
 * /readyz and the status page of a server whose App state is on PostgreSQL (DATABASE_URL): ready while the
 * database answers, 503 naming the App's database while it does not, ready again once it does.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type RunningServer, startServer } from '../../server/server.ts';
import type { ReadinessReport, StatusReport } from '../../server/status/index.ts';
import { startTestCatalog, TEST_CREDENTIALS, type TestCatalog } from '../helpers/catalog-server.ts';
import { createTestDatabase, type TestDatabase, testPostgresUrl } from '../helpers/postgres/index.ts';

let catalog: TestCatalog;
let database: TestDatabase;
let replica: RunningServer;

/** Runs `sql` on the test server's maintenance database (not the App's, which is what is made unreachable). */
async function onServer(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: await testPostgresUrl() });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function readyz(): Promise<{ status: number; body: ReadinessReport; text: string }> {
  const response = await fetch(`${replica.url}/readyz`);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as ReadinessReport, text };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  catalog = await startTestCatalog();
  database = await createTestDatabase('readyz');
  replica = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'wharf-replica-')),
    portBaseUrl: catalog.url,
    credentials: TEST_CREDENTIALS,
    databaseUrl: database.url,
    warn: () => {},
  });
});

afterAll(async () => {
  await replica?.close();
  await onServer(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
  await database?.drop();
  await catalog?.close();
});

describe('the App state on PostgreSQL', () => {
  test('/readyz: 200 while its database answers, 503 naming it while it is unreachable, then 200 again', async () => {
    const ready = await readyz();
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database.databases).toEqual([
      { name: 'app (PostgreSQL)', ok: true, detail: expect.stringMatching(/^reachable, schema version \d+$/) },
    ]);

    await onServer(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS false`);
    await onServer(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database.name],
    );
    const down = await until(readyz, (answer) => answer.status === 503, '/readyz 503');
    expect(down.body.ready).toBe(false);
    expect(down.body.notReady).toEqual([{ part: 'database', reason: expect.stringMatching(/^app \(PostgreSQL\): /) }]);
    const password = new URL(database.url).password;
    if (password) expect(down.text).not.toContain(password);
    const status = (await (
      await fetch(`${replica.url}/`, { headers: { accept: 'application/json' } })
    ).json()) as StatusReport;
    expect(status.appState).toMatchObject({ name: 'app (PostgreSQL)', ok: false });
    const page = await (await fetch(`${replica.url}/`)).text();
    expect(page).toContain("The App's database, app (PostgreSQL), is not ready");

    await onServer(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS true`);
    const back = await until(readyz, (answer) => answer.status === 200, '/readyz 200 again');
    expect(back.body).toMatchObject({ ready: true, notReady: [] });
  });
});
