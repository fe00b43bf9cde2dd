import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  DatabaseUnavailableError,
  openPostgres,
  type PostgresSqlDatabase,
  type SqlTransaction,
} from '../../src/sql/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres/index.ts';
import { freeLoopbackPort } from '../helpers/postgres/server.ts';

/** What only PostgreSQL does: leases with SKIP LOCKED, and a connection lost. */
describe('SqlDatabase on PostgreSQL only', () => {
  let database: TestDatabase;
  let db: PostgresSqlDatabase;
  let others: PostgresSqlDatabase[];

  beforeAll(async () => {
    database = await createTestDatabase('sql-postgres');
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    db = openPostgres(database.url);
    others = [];
    await db.exec(`
      DROP SCHEMA public CASCADE;
      CREATE SCHEMA public;
      CREATE TABLE jobs (id INTEGER PRIMARY KEY, leased_by TEXT)`);
    await db.run('INSERT INTO jobs (id) SELECT generate_series(1, 6)');
  });
  afterEach(async () => {
    await Promise.all([db, ...others].map((each) => each.close()));
  });

  const LEASE = 'SELECT id FROM jobs WHERE leased_by IS NULL ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED';

  async function lease(tx: SqlTransaction, holder: string): Promise<number[]> {
    const ids = (await tx.query<{ id: number }>(LEASE)).map((row) => row.id);
    await tx.run('UPDATE jobs SET leased_by = $1 WHERE id = ANY($2::int[])', [holder, `{${ids.join(',')}}`]);
    return ids;
  }

  test('SELECT ... FOR UPDATE SKIP LOCKED: two transactions at once each lease other rows', async () => {
    const other = openPostgres(database.url);
    others.push(other);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstLeased!: () => void;
    const leasedFirst = new Promise<void>((resolve) => (firstLeased = resolve));

    const first = db.transaction(async (tx) => {
      const ids = await lease(tx, 'first');
      firstLeased();
      await held; // still open, its rows locked, while the second leases
      return ids;
    });
    await leasedFirst;
    const second = await other.transaction((tx) => lease(tx, 'second'));
    release();

    expect(await first).toEqual([1, 2]);
    expect(second).toEqual([3, 4]);
    expect(await db.query('SELECT id, leased_by FROM jobs WHERE leased_by IS NOT NULL ORDER BY id')).toEqual([
      { id: 1, leased_by: 'first' },
      { id: 2, leased_by: 'first' },
      { id: 3, leased_by: 'second' },
      { id: 4, leased_by: 'second' },
    ]);
  });

  test('BIGINT reads as a number, and as a bigint past 2^53', async () => {
    expect(await db.query('SELECT 9007199254740991::bigint AS safe, 9007199254740993::bigint AS big')).toEqual([
      { safe: 9_007_199_254_740_991, big: 9_007_199_254_740_993n },
    ]);
  });

  test('a server nobody listens on: DatabaseUnavailableError', async () => {
    const url = new URL(database.url);
    url.port = String(await freeLoopbackPort());
    const nowhere = openPostgres(url.toString(), { connectionTimeoutMillis: 2000 });
    others.push(nowhere);
    const error = await nowhere.query('SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toMatch(/ECONNREFUSED|unavailable/);
    await expect(nowhere.transaction(async () => undefined)).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });

  test("a transaction's connection ended by the server: DatabaseUnavailableError, nothing committed, the pool goes on", async () => {
    const error = await db
      .transaction(async (tx) => {
        await tx.run('UPDATE jobs SET leased_by = $1', ['lost']);
        await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(await db.query('SELECT COUNT(*) AS n FROM jobs WHERE leased_by IS NOT NULL')).toEqual([{ n: 0 }]);
  });

  test('a connection ended while the work awaits something else: the next statement throws, the process goes on', async () => {
    const killer = openPostgres(database.url);
    others.push(killer);
    const error = await db
      .transaction(async (tx) => {
        const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
        await killer.query('SELECT pg_terminate_backend($1)', [pid]);
        await new Promise((resolve) => setTimeout(resolve, 100)); // the 'error' arrives meanwhile
        await tx.query('SELECT 1');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  test('idle connections ended by the server are replaced', async () => {
    const killer = openPostgres(database.url);
    others.push(killer);
    await Promise.all([db.query('SELECT 1'), db.query('SELECT 2')]);
    const killed = await killer.query<{ n: number }>(
      "SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'wharf' AND state = 'idle'",
    );
    expect(killed[0]!.n).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
