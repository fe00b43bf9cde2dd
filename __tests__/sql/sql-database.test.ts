import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { type Migration, type SqlDatabase, type SqlTransaction, UniqueViolationError } from '../../src/sql/index.ts';
import { toSqlitePlaceholders } from '../../src/sql/sqlite.ts';
import { ENGINES } from './engines.ts';

/** A schema both engines read alike: TEXT, BIGINT, DOUBLE PRECISION, and a blob spelled per engine. */
const SCHEMA: Migration[] = [
  {
    version: 1,
    name: 'items',
    sql: `
      CREATE TABLE items (
        id TEXT PRIMARY KEY,
        owner_id BIGINT NOT NULL,
        score DOUBLE PRECISION,
        note TEXT
      );
      CREATE INDEX items_owner ON items (owner_id)`,
  },
  {
    version: 2,
    name: 'blobs',
    sql: {
      postgres: 'CREATE TABLE blobs (id TEXT PRIMARY KEY, body BYTEA NOT NULL)',
      sqlite: 'CREATE TABLE blobs (id TEXT PRIMARY KEY, body BLOB NOT NULL)',
    },
  },
];

describe.each(ENGINES)('SqlDatabase on $dialect', (engine) => {
  let db: SqlDatabase;

  beforeAll(() => engine.setUp('sql-database'));
  afterAll(() => engine.tearDown());
  beforeEach(async () => {
    await engine.fresh();
    db = engine.open();
    await db.migrate(SCHEMA);
  });

  async function insertItem(executor: SqlDatabase | SqlTransaction, id: string, owner = 1): Promise<void> {
    await executor.run('INSERT INTO items (id, owner_id, score, note) VALUES ($1, $2, $3, $4)', [id, owner, 0.5, null]);
  }

  test('query binds $n parameters by number, used in any order and more than once', async () => {
    const epochMs = 1_750_000_000_123; // past 2^32: BIGINT on both, a number on both
    await db.run('INSERT INTO items (id, owner_id, score, note) VALUES ($2, $1, $3, $4)', [epochMs, 'a', 1.25, "it's"]);
    await insertItem(db, 'b', 7);

    // PostgreSQL gives a parameter one type: one used twice stands where the same type is expected.
    expect(
      await db.query('SELECT id, owner_id, score, note FROM items WHERE owner_id = $1 OR owner_id + 1 = $1', [epochMs]),
    ).toEqual([{ id: 'a', owner_id: epochMs, score: 1.25, note: "it's" }]);
    expect(
      await db.query<{ id: string }>('SELECT id FROM items WHERE owner_id IN ($1, $2) AND id <> $3 ORDER BY id', [
        7,
        epochMs,
        'zz',
      ]),
    ).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(await db.query("SELECT COUNT(*) AS n, '$1 -- not a parameter' AS text FROM items")).toEqual([
      { n: 2, text: '$1 -- not a parameter' },
    ]);
    expect(await db.query('SELECT id FROM items WHERE id = $1', ['none'])).toEqual([]);
  });

  test('blobs go in and come back as bytes', async () => {
    const body = new Uint8Array([0, 1, 2, 254, 255]);
    await db.run('INSERT INTO blobs (id, body) VALUES ($1, $2)', ['x', body]);
    const [row] = await db.query<{ body: Uint8Array }>('SELECT body FROM blobs WHERE id = $1', ['x']);
    expect(new Uint8Array(row!.body)).toEqual(body);
  });

  test('run answers how many rows a statement changed', async () => {
    await insertItem(db, 'a', 1);
    await insertItem(db, 'b', 1);
    await insertItem(db, 'c', 2);
    expect(await db.run('UPDATE items SET note = $1 WHERE owner_id = $2', ['x', 1])).toEqual({ rowCount: 2 });
    expect(await db.run('DELETE FROM items WHERE owner_id = $1', [3])).toEqual({ rowCount: 0 });
    expect(await db.run('DELETE FROM items')).toEqual({ rowCount: 3 });
  });

  test('exec runs several statements', async () => {
    await db.exec(`
      CREATE TABLE a (x INTEGER);
      INSERT INTO a (x) VALUES (1);
      INSERT INTO a (x) VALUES (2)`);
    expect(await db.query('SELECT x FROM a ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }]);
  });

  test('a transaction commits when its work resolves, and answers what the work answered', async () => {
    const answer = await db.transaction(async (tx) => {
      await insertItem(tx, 'a');
      await insertItem(tx, 'b');
      return (await tx.query('SELECT id FROM items ORDER BY id')).length;
    });
    expect(answer).toBe(2);
    expect(await engine.open().query('SELECT id FROM items ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  test('a transaction rolls back when its work throws, and throws the same error', async () => {
    await insertItem(db, 'before');
    const failure = new Error('the work failed');
    await expect(
      db.transaction(async (tx) => {
        await insertItem(tx, 'a');
        await tx.run('DELETE FROM items WHERE id = $1', ['before']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await db.query('SELECT id FROM items')).toEqual([{ id: 'before' }]);
  });

  test('a statement that fails inside a transaction rolls it back when the work lets the error through', async () => {
    await expect(
      db.transaction(async (tx) => {
        await insertItem(tx, 'a');
        await tx.query('SELECT * FROM no_such_table');
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(await db.query('SELECT id FROM items')).toEqual([]);
  });

  test('transactions asked for at once are independent: one that throws or hits a unique key rolls back alone', async () => {
    await insertItem(db, 'taken');
    const failure = new Error('the work failed');
    const outcomes = await Promise.allSettled([
      db.transaction(async (tx) => {
        await insertItem(tx, 'first');
        return 'first';
      }),
      db.transaction(async (tx) => {
        await insertItem(tx, 'thrown');
        await tx.run('DELETE FROM items WHERE id = $1', ['taken']);
        throw failure;
      }),
      db.transaction(async (tx) => {
        await insertItem(tx, 'duplicate-partner');
        await insertItem(tx, 'taken');
      }),
      db.transaction(async (tx) => {
        // Sees what committed or will commit before it, not what rolled back.
        const seen = await tx.query<{ id: string }>('SELECT id FROM items ORDER BY id');
        await insertItem(tx, 'last');
        return seen.map((row) => row.id);
      }),
    ]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'first' });
    expect(outcomes[1]).toEqual({ status: 'rejected', reason: failure });
    expect(outcomes[2]).toMatchObject({ status: 'rejected', reason: expect.any(UniqueViolationError) });
    expect(outcomes[3]).toMatchObject({ status: 'fulfilled', value: expect.arrayContaining(['taken']) });
    expect((outcomes[3] as PromiseFulfilledResult<string[]>).value).not.toContain('thrown');
    expect(await engine.open().query('SELECT id FROM items ORDER BY id')).toEqual([
      { id: 'first' },
      { id: 'last' },
      { id: 'taken' },
    ]);
  });

  test("the database refuses to run SQL from within its own transaction's work, and the handle after it", async () => {
    let kept: SqlTransaction | undefined;
    await expect(
      db.transaction(async (tx) => {
        kept = tx;
        await db.query('SELECT 1');
      }),
    ).rejects.toThrow(/through the transaction's handle/);
    await expect(db.transaction(async () => db.transaction(async () => undefined))).rejects.toThrow(
      /through the transaction's handle/,
    );
    await expect(kept!.query('SELECT 1')).rejects.toThrow(/transaction is over/);
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  test('a statement outside a transaction: beside it on PostgreSQL, after it on SQLite (one connection)', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedOne = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = db.transaction(async (tx) => {
      await insertItem(tx, 'a');
      inserted();
      await held;
      await insertItem(tx, 'b');
    });
    await insertedOne;
    let count: number | undefined;
    const outside = db.query<{ n: number }>('SELECT COUNT(*) AS n FROM items').then((rows) => (count = rows[0]!.n));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // PostgreSQL answers at once, without the uncommitted row; SQLite waits for the commit.
    expect(count).toBe(engine.dialect === 'postgres' ? 0 : undefined);
    release();
    await transaction;
    await outside;
    expect(count).toBe(engine.dialect === 'postgres' ? 0 : 2);
  });

  test('INSERT ... ON CONFLICT DO NOTHING tells whether it inserted, by rowCount or by RETURNING', async () => {
    const insert = 'INSERT INTO items (id, owner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING';
    expect(await db.run(insert, ['k', 1])).toEqual({ rowCount: 1 });
    expect(await db.run(insert, ['k', 2])).toEqual({ rowCount: 0 });
    const returning = 'INSERT INTO items (id, owner_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id';
    expect(await db.query(returning, ['r', 1])).toEqual([{ id: 'r' }]);
    expect(await db.query(returning, ['r', 2])).toEqual([]);
    expect(await db.run(returning, ['s', 1])).toEqual({ rowCount: 1 });
    expect(await db.query('SELECT id, owner_id FROM items ORDER BY id')).toEqual([
      { id: 'k', owner_id: 1 },
      { id: 'r', owner_id: 1 },
      { id: 's', owner_id: 1 },
    ]);
  });

  test('a plain INSERT of a key already there throws UniqueViolationError, and the transaction rolls back', async () => {
    await insertItem(db, 'k');
    const error = await db.run('INSERT INTO items (id, owner_id) VALUES ($1, $2)', ['k', 2]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    await expect(
      db.transaction(async (tx) => {
        await insertItem(tx, 'new');
        await insertItem(tx, 'k');
      }),
    ).rejects.toBeInstanceOf(UniqueViolationError);
    expect(await db.query('SELECT id FROM items')).toEqual([{ id: 'k' }]);
  });

  test('migrate applies each migration once, in order, and records it', async () => {
    expect(await db.migrate(SCHEMA)).toEqual({ applied: [], version: 2 });
    const third: Migration = { version: 3, name: 'notes', sql: 'ALTER TABLE items ADD COLUMN extra TEXT' };
    expect(await engine.open().migrate([...SCHEMA, third])).toEqual({ applied: [3], version: 3 });
    expect(await db.query('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual([
      { version: 1, name: 'items' },
      { version: 2, name: 'blobs' },
      { version: 3, name: 'notes' },
    ]);
    // A program that knows fewer migrations than the database has refuses to run on it.
    await expect(engine.open().migrate(SCHEMA)).rejects.toThrow(/migration 3 applied, newer than this program knows/);
  });

  test('migrate refuses a list not numbered 1, 2, 3, ...', async () => {
    const gap: Migration[] = [SCHEMA[0]!, { ...SCHEMA[1]!, version: 3 }];
    await expect(engine.open().migrate(gap)).rejects.toThrow(/migration 2 is numbered 3/);
  });

  test('a migration that fails applies nothing of the call', async () => {
    const more: Migration[] = [
      ...SCHEMA,
      { version: 3, name: 'good', sql: 'CREATE TABLE good (x INTEGER)' },
      { version: 4, name: 'bad', sql: 'CREATE TABLE bad (x INTEGER); SELECT * FROM no_such_table' },
    ];
    await expect(db.migrate(more)).rejects.toThrow(/no_such_table/);
    expect(await db.query('SELECT MAX(version) AS version FROM schema_migrations')).toEqual([{ version: 2 }]);
    await expect(db.query('SELECT * FROM good')).rejects.toThrow(/good/);
  });

  test('five replicas migrating together (connections of their own) apply each migration once', async () => {
    await engine.fresh();
    const migrations: Migration[] = [
      {
        version: 1,
        name: 'log',
        sql: {
          // pg_sleep holds the migration transaction open, so that the other runners really wait on the lock.
          postgres: "CREATE TABLE log (entry TEXT NOT NULL); INSERT INTO log VALUES ('1'); SELECT pg_sleep(0.2)",
          sqlite: "CREATE TABLE log (entry TEXT NOT NULL); INSERT INTO log VALUES ('1')",
        },
      },
      { version: 2, name: 'two', sql: "INSERT INTO log VALUES ('2')" },
      { version: 3, name: 'three', sql: "CREATE TABLE three (x INTEGER); INSERT INTO log VALUES ('3')" },
    ];
    const runners = Array.from({ length: 5 }, () => engine.open());
    const reports = await Promise.all(runners.map((runner) => runner.migrate(migrations)));

    expect(reports.map((report) => report.applied).filter((applied) => applied.length > 0)).toEqual([[1, 2, 3]]);
    expect(reports.every((report) => report.version === 3)).toBe(true);
    expect(await runners[0]!.query('SELECT entry FROM log ORDER BY entry')).toEqual([
      { entry: '1' },
      { entry: '2' },
      { entry: '3' },
    ]);
    expect(await runners[0]!.query('SELECT COUNT(*) AS n FROM schema_migrations')).toEqual([{ n: 3 }]);
  });
});

describe('SQLite placeholders', () => {
  test('$n becomes ?n, except in quoted text, quoted names and comments', () => {
    expect(toSqlitePlaceholders('SELECT $1, $12 FROM t WHERE a = $2')).toBe('SELECT ?1, ?12 FROM t WHERE a = ?2');
    expect(toSqlitePlaceholders(`SELECT '$1', 'it''s $2', "col$3", $4 -- $5\n, /* $6 */ $7`)).toBe(
      `SELECT '$1', 'it''s $2', "col$3", ?4 -- $5\n, /* $6 */ ?7`,
    );
  });
});
