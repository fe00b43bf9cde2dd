import type { Dialect, Migration } from './types.ts';

/** Where both engines record the migrations applied: one row per version. */
export const MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`;

export const APPLIED_VERSIONS = 'SELECT version FROM schema_migrations ORDER BY version';

export const RECORD_MIGRATION = 'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)';

/**
 * The migrations to apply, in order, given the versions the database records. Throws when the list is not numbered
 * 1, 2, 3, ... or when the database records a version this program does not know (a newer program migrated it).
 */
export function pendingMigrations(migrations: readonly Migration[], applied: readonly number[]): Migration[] {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${index + 1} is numbered ${migration.version}: number them 1, 2, 3, ... in order`);
    }
  });
  const known = new Set(migrations.map((migration) => migration.version));
  const unknown = applied.filter((version) => !known.has(version));
  if (unknown.length > 0) {
    throw new Error(
      `the database has migration ${Math.max(...unknown)} applied, newer than this program knows (${migrations.length})`,
    );
  }
  const done = new Set(applied);
  return migrations.filter((migration) => !done.has(migration.version));
}

/** A migration's SQL for one engine. */
export function migrationSql(migration: Migration, dialect: Dialect): string {
  return typeof migration.sql === 'string' ? migration.sql : migration.sql[dialect];
}
