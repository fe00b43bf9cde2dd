import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ensurePrivateDir, ensurePrivateFile, tightenIfPresent } from '../files/index.ts';

/**
 * Opens (creating when absent) a SQLite database and brings its schema up to date with `migrations`: numbered
 * schema changes, each run once, in order, in one transaction; `PRAGMA user_version` records the last applied.
 * WAL with synchronous=NORMAL: a committed transaction is in the WAL before the call returns, so it survives the
 * process being killed; only an operating-system crash can lose the last commits.
 * The directory is the owner's alone (0700) and so are the files (0600), also when they existed with looser modes.
 */
export function openDatabase(file: string, migrations: readonly string[]): DatabaseSync {
  const db = openDatabaseFile(file);
  migrate(db, migrations);
  return db;
}

/** Opens (creating when absent) a SQLite database as openDatabase does, its schema left as it is. */
export function openDatabaseFile(file: string): DatabaseSync {
  ensurePrivateDir(dirname(file));
  // Created before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
  ensurePrivateFile(file);
  for (const companion of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) tightenIfPresent(companion);
  const db = new DatabaseSync(file);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA foreign_keys = ON;
    PRAGMA busy_timeout = 5000;
  `);
  return db;
}

export function migrate(db: DatabaseSync, migrations: readonly string[]): void {
  const { user_version: current } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (current > migrations.length) {
    throw new Error(
      `the database is at schema version ${current}, newer than this program knows (${migrations.length})`,
    );
  }
  for (let version = current; version < migrations.length; version++) {
    inTransaction(db, () => {
      db.exec(migrations[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}

/** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs independent works in one transaction, each in a savepoint of its own so it succeeds or fails alone: one
 * commit for all. Answers each work's outcome, in order; throws when the transaction cannot commit.
 */
export function inOneTransaction<T>(db: DatabaseSync, works: ReadonlyArray<() => T>): Outcome<T>[] {
  return inTransaction(db, () =>
    works.map((work): Outcome<T> => {
      try {
        return { ok: true, value: inSavepoint(db, work) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );
}

let savepointCounter = 0;

/** Runs `work` inside a savepoint of the current transaction, so one failing item of a batch leaves nothing. */
export function inSavepoint<T>(db: DatabaseSync, work: () => T): T {
  const name = `sp_${++savepointCounter}`;
  db.exec(`SAVEPOINT ${name}`);
  try {
    const result = work();
    db.exec(`RELEASE ${name}`);
    return result;
  } catch (error) {
    db.exec(`ROLLBACK TO ${name}`);
    db.exec(`RELEASE ${name}`);
    throw error;
  }
}
