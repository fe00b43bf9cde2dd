import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dialect, Row, RunResult, SqlExecutor, SqlValue } from './types.ts';

/** What one engine does to run SQL on a connection: one statement with parameters, or a script without. */
export interface Connection {
  statement(sql: string, params: readonly SqlValue[]): Promise<{ rows: Row[]; rowCount: number }>;
  script(sql: string): Promise<void>;
}

/** A SqlExecutor over `connection` that calls `check` before each statement (it throws to refuse). */
export function executor(dialect: Dialect, connection: Connection, check: () => void): SqlExecutor {
  return {
    dialect,
    async query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
      check();
      return (await connection.statement(sql, params)).rows as R[];
    },
    async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
      check();
      return { rowCount: (await connection.statement(sql, params)).rowCount };
    },
    async exec(sql: string): Promise<void> {
      check();
      await connection.script(sql);
    },
  };
}

/** The database whose transaction's work is running in the current asynchronous context, if any. */
const scope = new AsyncLocalStorage<object>();

/** Runs a transaction's work, remembering which database it belongs to. */
export function inTransactionScope<T>(db: object, work: () => Promise<T>): Promise<T> {
  return scope.run(db, work);
}

/**
 * Throws when called from the work of one of `db`'s own transactions: SQL there goes through the transaction's
 * handle. Using the database itself would wait for the transaction on SQLite (one connection) and, on PostgreSQL,
 * run on another connection that sees none of the transaction's writes.
 */
export function refuseInsideOwnTransaction(db: object): void {
  if (scope.getStore() === db) {
    throw new Error("inside a transaction's work, run SQL through the transaction's handle, not the database");
  }
}

/** A transaction's handle, usable until `end()`: after that its connection may serve someone else. */
export function transactionHandle(dialect: Dialect, connection: Connection): { tx: SqlExecutor; end(): void } {
  let open = true;
  const tx = executor(dialect, connection, () => {
    if (!open) throw new Error('this transaction is over: its handle can no longer run SQL');
  });
  return { tx, end: () => (open = false) };
}

/** What both databases share: SQL run outside any transaction goes through `outside`. */
export abstract class ExecutorDatabase {
  abstract readonly dialect: Dialect;
  protected abstract readonly outside: SqlExecutor;

  query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    return this.outside.query<R>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    return this.outside.run(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.outside.exec(sql);
  }
}
