import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { type Migration, openSqlite } from '../../src/sql/index.ts';
import { openDatabase } from '../../src/sqlite/index.ts';

/** The same schema changes as src/sqlite's string migrations (user_version) and as src/sql's (schema_migrations). */
const LEGACY = [
  'CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER NOT NULL)',
  'ALTER TABLE items ADD COLUMN note TEXT',
];
const MIGRATIONS: Migration[] = [
  { version: 1, name: 'items', sql: LEGACY[0]! },
  { version: 2, name: 'notes', sql: LEGACY[1]! },
  { version: 3, name: 'tags', sql: 'CREATE TABLE tags (item TEXT NOT NULL, tag TEXT NOT NULL)' },
];

describe('SQLite files migrated by src/sqlite (PRAGMA user_version)', () => {
  let folder: string;
  let file: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'wharf-sql-adopt-'));
    file = join(folder, 'legacy.sqlite');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  function legacyFile(versions: number): void {
    const db = openDatabase(file, LEGACY.slice(0, versions));
    db.prepare('INSERT INTO items (id, n) VALUES (?, ?)').run('kept', 1_750_000_000_123);
    db.close();
  }

  test('are refused without adoptUserVersion, and past the version it adopts', () => {
    legacyFile(2);
    expect(() => openSqlite(file)).toThrow(/schema version 2 by PRAGMA user_version.*does not adopt/);
    expect(() => openSqlite(file, { adoptUserVersion: 1 })).toThrow(/schema version 2.*newer than the 1 this program/);
  });

  test('adopted: migrations 1..user_version recorded without running, the rest applied, the rows kept', async () => {
    legacyFile(1);
    const db = openSqlite(file, { adoptUserVersion: 2 });
    try {
      expect(await db.migrate(MIGRATIONS)).toEqual({ applied: [2, 3], version: 3 });
      expect(await db.query('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual([
        { version: 1, name: 'items' },
        { version: 2, name: 'notes' },
        { version: 3, name: 'tags' },
      ]);
      expect(await db.query('SELECT id, n, note FROM items')).toEqual([
        { id: 'kept', n: 1_750_000_000_123, note: null },
      ]);
      expect(await db.migrate(MIGRATIONS)).toEqual({ applied: [], version: 3 });
    } finally {
      await db.close();
    }
    // Opened again: schema_migrations now counts, user_version (left at 1 for the program that wrote it) does not.
    const again = openSqlite(file, { adoptUserVersion: 2 });
    expect(await again.migrate(MIGRATIONS)).toEqual({ applied: [], version: 3 });
    expect(await again.query('PRAGMA user_version')).toEqual([{ user_version: 1 }]);
    await again.close();
    // The program that wrote it still opens it: its schema is the one it knows, with more beside it.
    openDatabase(file, LEGACY.slice(0, 1)).close();
  });

  test('adopted at a version this program has no migration for: refused, nothing recorded', async () => {
    legacyFile(2);
    const db = openSqlite(file, { adoptUserVersion: 2 });
    await expect(db.migrate(MIGRATIONS.slice(0, 1))).rejects.toThrow(/schema version 2, newer than this program/);
    expect(await db.query("SELECT name FROM sqlite_master WHERE name = 'schema_migrations'")).toEqual([]);
    await db.close();
  });

  test('a new file (user_version 0) with adoptUserVersion migrates as any other', async () => {
    const db = openSqlite(file, { adoptUserVersion: 2 });
    expect(await db.migrate(MIGRATIONS)).toEqual({ applied: [1, 2, 3], version: 3 });
    await db.close();
  });
});
