import { openPostgres, type PostgresOptions } from './postgres.ts';
import { openSqlite, type SqliteOptions } from './sqlite.ts';
import type { SqlDatabase } from './types.ts';

export type {
  Dialect,
  Migration,
  MigrationReport,
  Row,
  RunResult,
  SqlDatabase,
  SqlExecutor,
  SqlTransaction,
  SqlValue,
} from './types.ts';
export { DatabaseUnavailableError, UniqueViolationError } from './errors.ts';
export { openPostgres, PostgresSqlDatabase, type PostgresOptions } from './postgres.ts';
export { openSqlite, SqliteSqlDatabase, type SqliteOptions } from './sqlite.ts';

/**
 * The App's database: PostgreSQL when `databaseUrl` (DATABASE_URL) is set, for several replicas sharing it;
 * otherwise the SQLite file `sqliteFile`, for one process.
 */
export function openSqlDatabase(options: {
  databaseUrl?: string | undefined;
  sqliteFile: string;
  postgres?: PostgresOptions;
  sqlite?: SqliteOptions;
}): SqlDatabase {
  const { databaseUrl } = options;
  if (!databaseUrl) return openSqlite(options.sqliteFile, options.sqlite);
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must be a PostgreSQL URL: postgres://user:password@host:port/database');
  }
  return openPostgres(databaseUrl, options.postgres);
}
