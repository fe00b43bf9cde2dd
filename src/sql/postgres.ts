import pg from 'pg';
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

export interface PostgresOptions {
  /** The most connections this process opens at once (10 by default). */
  max?: number;
  /** How long opening a connection may take before the query fails as unavailable (10 s by default). */
  connectionTimeoutMillis?: number;
  /** Told of a connection lost while idle; the pool opens another when one is needed. Ignored by default. */
  onIdleError?: (error: Error) => void;
}

/**
 * The advisory lock that migrating processes take in turn, for their migration transaction: a number of wharf's
 * own ("wharf" in ASCII, then 1). Advisory locks are per database.
 */
const MIGRATION_LOCK = 0x77_68_61_72_66_01;

/** Opens a pool of connections to the PostgreSQL database at `url` (postgres://user:password@host:port/database). */
export function openPostgres(url: string, options: PostgresOptions = {}): PostgresSqlDatabase {
  return new PostgresSqlDatabase(url, options);
}

export class PostgresSqlDatabase extends ExecutorDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  protected readonly outside: SqlExecutor;
  private readonly pool: pg.Pool;

  constructor(url: string, options: PostgresOptions = {}) {
    super();
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
      application_name: 'wharf',
      types: { getTypeParser: parserOf as typeof pg.types.getTypeParser },
    });
    // Without a listener, a connection lost while idle would end the process.
    this.pool.on('error', (error) => options.onIdleError?.(error));
    this.outside = executor('postgres', connectionOf(this.pool), () => refuseInsideOwnTransaction(this));
  }

  async transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    refuseInsideOwnTransaction(this);
    const client = await unavailableAsTyped(this.pool.connect());
    // The connection may be lost while the work awaits something else: an 'error' with no listener would end the
    // process. The next statement fails, and the connection is closed rather than given back.
    let lost: Error | undefined;
    const onError = (error: Error): void => void (lost ??= error);
    client.on('error', onError);
    const { tx, end } = transactionHandle('postgres', connectionOf(client));
    try {
      await unavailableAsTyped(client.query('BEGIN'));
      const result = await inTransactionScope(this, () => work(tx));
      await unavailableAsTyped(client.query('COMMIT'));
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (lost ??= rollbackError));
      throw error;
    } finally {
      end();
      client.removeListener('error', onError);
      client.release(lost);
    }
  }

  /** One transaction under the migration lock: a process that comes second waits, then finds them recorded. */
  async migrate(migrations: readonly Migration[]): Promise<MigrationReport> {
    return this.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await tx.exec(MIGRATIONS_TABLE);
      const applied = await tx.query<{ version: number }>(APPLIED_VERSIONS);
      const pending = pendingMigrations(
        migrations,
        applied.map((row) => row.version),
      );
      for (const migration of pending) {
        await tx.exec(migrationSql(migration, 'postgres'));
        await tx.run(RECORD_MIGRATION, [migration.version, migration.name, new Date().toISOString()]);
      }
      return { applied: pending.map((migration) => migration.version), version: migrations.length };
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A pool or a checked-out client, as a Connection whose errors are this module's typed ones where they are. */
function connectionOf(client: pg.Pool | pg.PoolClient): Connection {
  return {
    async statement(sql, params) {
      const answer = await unavailableAsTyped(client.query<Row>(sql, params as SqlValue[]));
      // Without parameters, text holding several statements answers one result each: the last one counts.
      const result = (Array.isArray(answer) ? answer.at(-1) : answer) as pg.QueryResult<Row>;
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
    async script(sql) {
      await unavailableAsTyped(client.query(sql));
    },
  };
}

async function unavailableAsTyped<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw postgresError(error);
  }
}

/** Node's codes for a connection refused, reset or cut, and a host not found. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** SQLSTATEs of a server shutting down, starting up or out of connections (class 08, connection exception, too). */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres says when the connection ended or could not be opened in time. */
const LOST_CONNECTION = /Connection terminated|not queryable|timeout exceeded when trying to connect/i;

const UNIQUE_VIOLATION = '23505';

function postgresError(error: unknown): unknown {
  // Not `instanceof Error`: node's socket errors may come from another realm (a test's vm context).
  if (typeof error !== 'object' || error === null) return error;
  const { code, constraint, message = '' } = error as { code?: unknown; constraint?: string; message?: string };
  if (code === UNIQUE_VIOLATION) return new UniqueViolationError(message, { cause: error, constraint });
  const unavailable =
    (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08'))) ||
    LOST_CONNECTION.test(message);
  if (!unavailable) return error;
  return new DatabaseUnavailableError(`the PostgreSQL database is unavailable: ${message || String(code)}`, {
    cause: error,
  });
}

/** PostgreSQL's BIGINT (int8): a number, as SQLite answers; past 2^53, where a number would be wrong, a bigint. */
const INT8 = 20;

function parserOf(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8 && format !== 'binary') return parseInt8;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

function parseInt8(value: string): number | bigint {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : BigInt(value);
}
