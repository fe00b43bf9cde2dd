import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { LruMap } from '../lru/index.ts';
import { inTransaction, type Outcome, openDatabaseFile } from '../sqlite/index.ts';
import { DatabaseUnavailableError, UniqueViolationError } from './errors.ts';
import {
  type Connection,
  ExecutorDatabase,
  executor,
  inTransactionScope,
  refuseInsideOwnTransaction,
  transactionHandle,
} from './executor.ts';
import { APPLIED_VERSIONS, MIGRATIONS_TABLE, RECORD_MIGRATION, migrationSql, pendingMigrations } from './migrations.ts';
import type { Migration, MigrationReport, Row, SqlDatabase, SqlExecutor, SqlTransaction, SqlValue } from './types.ts';

/** A transaction of a group commit, and how to answer its caller. */
interface GroupMember {
  work: (tx: SqlTransaction) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Prepared statements kept per database, by SQL text. */
const STATEMENT_CACHE = 256;

export interface SqliteOptions {
  /**
   * Adopts a file that src/sqlite's openDatabase migrated: such a file records its schema in `PRAGMA user_version`
   * (the number of migrations it ran), not in schema_migrations. With `adoptUserVersion: N`, a file at user_version
   * v (1 to N) without schema_migrations has the schema this database's migrations 1 to v make, so `migrate`
   * records them as applied without running them, and applies the rest. user_version is left as it is: the program
   * that wrote the file can still open it (every later migration adds to that schema). A file past N is refused.
   */
  adoptUserVersion?: number;
}

/**
 * Opens (creating when absent) the SQLite database in `file` as a SqlDatabase: the owner's alone, WAL, foreign
 * keys on, a 5 s busy timeout (src/sqlite's openDatabaseFile). ':memory:' opens a private in-memory database.
 * One SqliteSqlDatabase per file per process: SQLite has one writer, and its lock is waited for synchronously.
 * A file migrated by src/sqlite's openDatabase (its `PRAGMA user_version` above 0) is refused, unless
 * `options.adoptUserVersion` says which of its versions this database's migrations stand for.
 */
export function openSqlite(file: string, options: SqliteOptions = {}): SqliteSqlDatabase {
  if (file === ':memory:') return new SqliteSqlDatabase(new DatabaseSync(':memory:'));
  const db = openDatabaseFile(file);
  const adoptable = options.adoptUserVersion ?? 0;
  const version = userVersion(db);
  if (version > adoptable) {
    db.close();
    throw new Error(
      `${file} is at schema version ${version} by PRAGMA user_version (src/sqlite's migrations), ` +
        (adoptable > 0
          ? `newer than the ${adoptable} this program adopts`
          : 'which this program does not adopt (open it with adoptUserVersion)'),
    );
  }
  return new SqliteSqlDatabase(db);
}

function userVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
}

/**
 * node:sqlite's synchronous connection behind the asynchronous SqlDatabase. Statements run one at a time, in the
 * order they were asked for; a transaction holds the connection until its work is over, and statements asked for
 * meanwhile (outside it) wait for it.
 */
export class SqliteSqlDatabase extends ExecutorDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  protected readonly outside: SqlExecutor;
  private readonly db: DatabaseSync;
  private readonly statements = new LruMap<string, StatementSync>(STATEMENT_CACHE);
  /** Whether a statement gives rows, asked of SQLite once per statement rather than on every run. */
  private readonly givesRows = new WeakMap<StatementSync, boolean>();
  /** The transactions waiting for the connection, to run as one group commit; undefined when none waits. */
  private forming: GroupMember[] | undefined;
  /** Settles when everything asked for so far is done: the next one runs after it. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Runs at once: for the transaction that holds the connection. */
  private readonly direct: Connection = {
    statement: async (sql, params) => this.statementNow(sql, params),
    script: async (sql) => this.sqlite(() => this.db.exec(sql)),
  };

  constructor(db: DatabaseSync) {
    super();
    this.db = db;
    const queued: Connection = {
      statement: (sql, params) => this.exclusive(() => this.statementNow(sql, params)),
      script: (sql) => this.exclusive(() => this.sqlite(() => this.db.exec(sql))),
    };
    this.outside = executor('sqlite', queued, () => refuseInsideOwnTransaction(this));
  }

  /**
   * Transactions asked for while the connection is busy share one BEGIN ... COMMIT (a group commit), each in a
   * savepoint of its own: one whose work throws rolls back alone. Each settles only once the group committed, so
   * nothing is answered that is not durable; a group whose COMMIT fails fails every member. A transaction asked for
   * while the connection is idle runs at once, alone: grouping adds no wait.
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    refuseInsideOwnTransaction(this);
    return new Promise<T>((resolve, reject) => {
      let group = this.forming;
      if (!group) {
        const formed: GroupMember[] = [];
        group = this.forming = formed;
        this.exclusive(() => this.commitGroup(formed)).catch(() => undefined);
      }
      group.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private async commitGroup(members: GroupMember[]): Promise<void> {
    // From here on, transactions asked for form the next group.
    if (this.forming === members) this.forming = undefined;
    const outcomes: Outcome<unknown>[] = [];
    try {
      this.sqlite(() => this.db.exec('BEGIN IMMEDIATE'));
      for (const member of members) {
        this.sqlite(() => this.db.exec('SAVEPOINT member'));
        const { tx, end } = transactionHandle('sqlite', this.direct);
        try {
          const value = await inTransactionScope(this, () => member.work(tx));
          this.sqlite(() => this.db.exec('RELEASE member'));
          outcomes.push({ ok: true, value });
        } catch (error) {
          // An I/O or full-disk error ends the whole transaction: the members before this one are lost with it.
          if (!this.db.isTransaction) throw error;
          this.sqlite(() => this.db.exec('ROLLBACK TO member; RELEASE member'));
          outcomes.push({ ok: false, error });
        } finally {
          end();
        }
      }
      this.sqlite(() => this.db.exec('COMMIT'));
    } catch (error) {
      if (this.db.isTransaction) this.sqlite(() => this.db.exec('ROLLBACK'));
      for (const member of members) member.reject(error);
      return;
    }
    members.forEach((member, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) member.resolve(outcome.value);
      else member.reject(outcome.error);
    });
  }

  /** Synchronous from BEGIN to COMMIT: nothing else of this process runs in between. */
  async migrate(migrations: readonly Migration[]): Promise<MigrationReport> {
    refuseInsideOwnTransaction(this);
    return this.exclusive(() =>
      this.sqlite(() =>
        inTransaction(this.db, () => {
          this.adoptUserVersion(migrations);
          this.db.exec(MIGRATIONS_TABLE);
          const applied = this.prepared(APPLIED_VERSIONS)
            .all()
            .map((row) => Number(row.version));
          const pending = pendingMigrations(migrations, applied);
          for (const migration of pending) {
            this.db.exec(migrationSql(migration, 'sqlite'));
            this.prepared(RECORD_MIGRATION).run(migration.version, migration.name, new Date().toISOString());
          }
          return { applied: pending.map((migration) => migration.version), version: migrations.length };
        }),
      ),
    );
  }

  async close(): Promise<void> {
    await this.exclusive(() => this.db.close());
  }

  /**
   * A file src/sqlite's openDatabase migrated (openSqlite let it through: adoptUserVersion) and that has no
   * schema_migrations yet: its user_version v says migrations 1 to v made its schema, so they are recorded as
   * applied, not run. Inside migrate's transaction.
   */
  private adoptUserVersion(migrations: readonly Migration[]): void {
    const recorded = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    const version = userVersion(this.db);
    if (recorded || version === 0) return;
    if (version > migrations.length) {
      throw new Error(
        `the database is at schema version ${version}, newer than this program knows (${migrations.length})`,
      );
    }
    this.db.exec(MIGRATIONS_TABLE);
    const appliedAt = new Date().toISOString();
    for (const migration of migrations.slice(0, version)) {
      this.prepared(RECORD_MIGRATION).run(migration.version, migration.name, appliedAt);
    }
  }

  /** Runs `work` once everything asked for before it is done. */
  private exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private statementNow(sql: string, params: readonly SqlValue[]): { rows: Row[]; rowCount: number } {
    return this.sqlite(() => {
      const statement = this.prepared(sql);
      const values = params.map(toSqlite);
      let givesRows = this.givesRows.get(statement);
      if (givesRows === undefined) this.givesRows.set(statement, (givesRows = statement.columns().length > 0));
      if (!givesRows) return { rows: [], rowCount: Number(statement.run(...values).changes) };
      const rows = statement.all(...values) as Row[];
      // A statement that writes and returns rows (INSERT ... RETURNING) changed as many rows as it returned.
      return { rows, rowCount: rows.length };
    });
  }

  private prepared(sql: string): StatementSync {
    return this.statements.getOrMake(sql, () => this.db.prepare(toSqlitePlaceholders(sql)));
  }

  /** Runs SQLite's synchronous `work`, throwing its errors as this module's typed ones where they are. */
  private sqlite<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw sqliteError(error);
    }
  }
}

/** SQLite's extended result codes for a unique key, and its primary result codes for a database unavailable. */
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const UNAVAILABLE = new Map([
  [5, 'busy'],
  [6, 'locked'],
  [10, 'an I/O error'],
  [14, 'cannot open its file'],
]);

function sqliteError(error: unknown): unknown {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  if (typeof code !== 'number') return error;
  const message = (error as Error).message;
  if (code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY) {
    return new UniqueViolationError(message, { cause: error });
  }
  const unavailable = UNAVAILABLE.get(code & 0xff);
  if (unavailable)
    return new DatabaseUnavailableError(`the SQLite database is ${unavailable}: ${message}`, { cause: error });
  return error;
}

function toSqlite(value: SqlValue): SQLInputValue {
  return typeof value === 'boolean' ? Number(value) : value;
}

/**
 * PostgreSQL's `$1` placeholders as SQLite's `?1` (SQLite reads `$1` as a parameter named "$1", numbered by its
 * first appearance). Quoted text, quoted names and comments are left as they are.
 */
export function toSqlitePlaceholders(sql: string): string {
  return sql.replace(
    /('(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|--[^\n]*|\/\*[\s\S]*?\*\/)|\$(\d+)/g,
    (match, quoted: string | undefined, number: string | undefined) => (quoted === undefined ? `?${number}` : match),
  );
}
