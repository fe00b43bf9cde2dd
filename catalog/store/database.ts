import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { migrate, openDatabase } from '../../src/sqlite/index.ts';
import { migrations } from './migrations.ts';

export { inTransaction, inSavepoint } from '../../src/sqlite/index.ts';

export const DATABASE_FILE = 'catalog.sqlite';

/** The catalog's database in `dataDir`, its schema up to date. */
export function openCatalogDatabase(dataDir: string): DatabaseSync {
  return openDatabase(join(dataDir, DATABASE_FILE), migrations);
}

/** Brings an already open database (an in-memory one in tests) to the catalog's schema. */
export function migrateCatalog(db: DatabaseSync): void {
  migrate(db, migrations);
}
