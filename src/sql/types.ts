/** Which engine a database runs on: the SQL that differs between them (leases, identity columns) asks this. */
export type Dialect = 'postgres' | 'sqlite';

/**
 * What a parameter may be. Booleans are stored as 1 and 0 by SQLite and as booleans by PostgreSQL; a bigint is
 * sent as its decimal text. Dates are not accepted: store epoch milliseconds (BIGINT) or ISO text, which read back
 * alike on both engines.
 */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/** One row of a result, by column name. */
export type Row = Record<string, unknown>;

/**
 * Runs SQL. Placeholders are `$1`, `$2`, ... on both engines (one may be used several times, in any order). Types
 * read back alike where the schema keeps to what both have: TEXT, BIGINT and INTEGER (numbers on both: PostgreSQL's
 * BIGINT is read as a number, and as a bigint only past 2^53), DOUBLE PRECISION, BLOB/BYTEA (Uint8Array).
 */
export interface SqlExecutor {
  readonly dialect: Dialect;
  /** Runs one statement and answers its rows: those it selects, or those its RETURNING names (none otherwise). */
  query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /**
   * Runs one statement and answers how many rows it inserted, updated or deleted: `INSERT ... ON CONFLICT DO
   * NOTHING` answers 0 when the key was already there.
   */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** Runs statements without parameters, separated by semicolons: schema changes, settings. */
  exec(sql: string): Promise<void>;
}

export interface RunResult {
  readonly rowCount: number;
}

/** The handle a transaction's work runs its SQL through; it cannot be used once the work is over. */
export type SqlTransaction = SqlExecutor;

/**
 * The App's database: PostgreSQL (several replicas share it) or SQLite (one process). Failures to reach the
 * database are thrown as DatabaseUnavailableError, a duplicate key of a plain INSERT as UniqueViolationError.
 */
export interface SqlDatabase extends SqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (the error is thrown
   * again). Inside, SQL goes through the handle the work is given: the database itself refuses to be used from
   * within its own transaction's work (on SQLite that would wait for itself, on PostgreSQL it would not see the
   * transaction's writes). PostgreSQL's transactions are READ COMMITTED; SQLite's take the write lock at BEGIN.
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /**
   * Brings the schema up to date: applies, in one transaction, the migrations not yet recorded in the table
   * schema_migrations, in order, and records them. Processes migrating the same database together apply each
   * migration once: the others wait, then find it recorded.
   */
  migrate(migrations: readonly Migration[]): Promise<MigrationReport>;
  /** Closes the connections; waits for the queries in flight. */
  close(): Promise<void>;
}

/** A numbered change of the schema. Append only: never edit one that has shipped. */
export interface Migration {
  /** 1, 2, 3, ...: the order they apply in, without gaps. */
  readonly version: number;
  /** What it does, in a few words: recorded beside the version. */
  readonly name: string;
  /** Its SQL: one text for both engines, or one for each where they differ. */
  readonly sql: string | { readonly postgres: string; readonly sqlite: string };
}

export interface MigrationReport {
  /** The versions this call applied (none when another process had applied them all). */
  readonly applied: readonly number[];
  /** The schema's version now. */
  readonly version: number;
}
