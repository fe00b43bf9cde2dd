export { openDatabase, migrate, inTransaction, inSavepoint } from './database.ts';
