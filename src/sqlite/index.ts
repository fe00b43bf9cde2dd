export {
  openDatabase,
  openDatabaseFile,
  migrate,
  inTransaction,
  inSavepoint,
  inOneTransaction,
  type Outcome,
} from './database.ts';
