import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPostgresUrl } from './index.ts';
import { freeLoopbackPort, randomPassword, startPostgresServer } from './server.ts';
import { STATUS_VARIABLE, URL_VARIABLE } from './status.ts';

/** The test PostgreSQL server's failures say what went wrong. */
describe('the test PostgreSQL server', () => {
  let folder: string;
  const saved = { url: process.env[URL_VARIABLE], status: process.env[STATUS_VARIABLE] };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'wharf-test-postgres-harness-'));
  });
  afterEach(() => {
    for (const [name, value] of [
      [URL_VARIABLE, saved.url],
      [STATUS_VARIABLE, saved.status],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(folder, { recursive: true, force: true });
  });

  test('a run without one says how to get one', async () => {
    delete process.env[URL_VARIABLE];
    delete process.env[STATUS_VARIABLE];
    await expect(testPostgresUrl()).rejects.toThrow(/no test PostgreSQL server: run the tests with npm test/);
  });

  test('a server that could not start: the tests that need it fail with its reason', async () => {
    const status = join(folder, 'status.json');
    writeFileSync(status, JSON.stringify({ state: 'failed', message: 'initdb failed (exit 1): no space left' }));
    process.env[URL_VARIABLE] = 'postgres://postgres:x@127.0.0.1:1/postgres';
    process.env[STATUS_VARIABLE] = status;
    await expect(testPostgresUrl()).rejects.toThrow(
      'the test PostgreSQL server could not start: initdb failed (exit 1): no space left',
    );
  });

  test('a port already taken: starting rejects, quoting the server', async () => {
    const taken: Server = createServer();
    const port = await freeLoopbackPort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startPostgresServer(folder, port, randomPassword())).rejects.toThrow(
        /PostgreSQL ended as it started \(exit 1\):[\s\S]*could not bind IPv4 address "127.0.0.1": Address already in use/,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
