export {
  openDatabase,
  openDatabaseFile,
  migrate,
  inTransaction,
  inSavepoint,
  inOneTransaction,
  type Outcome,
} from './database.ts';
export { CommitBatcher } from './commit-batcher.ts';
