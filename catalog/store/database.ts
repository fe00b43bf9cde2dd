import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { inTransaction, migrate, openDatabase } from '../../src/sqlite/index.ts';
import { BlueprintStore } from './blueprint-store.ts';
import { migrations } from './migrations.ts';
import { refreshPlannerStatistics, syncPropertyIndexes } from './property-indexes.ts';

export { inTransaction, inSavepoint } from '../../src/sqlite/index.ts';

export const DATABASE_FILE = 'catalog.sqlite';

/** The catalog's database in `dataDir`, its schema up to date. */
export function openCatalogDatabase(dataDir: string): DatabaseSync {
  const db = openDatabase(join(dataDir, DATABASE_FILE), migrations);
  tidyPropertyIndexes(db);
  return db;
}

/** Brings an already open database (an in-memory one in tests) to the catalog's schema. */
export function migrateCatalog(db: DatabaseSync): void {
  migrate(db, migrations);
  tidyPropertyIndexes(db);
}

/**
 * Indexes of properties no blueprint has any more are dropped (a catalog written by a version that kept others);
 * the indexes searches made stay. The planner's statistics are brought up to date too (as SQLite advises at open):
 * entity writes refresh them only every so many.
 */
function tidyPropertyIndexes(db: DatabaseSync): void {
  inTransaction(db, () => {
    syncPropertyIndexes(db, new BlueprintStore(db).list());
    refreshPlannerStatistics(db);
  });
}
