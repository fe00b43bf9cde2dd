export { openDatabase, migrate, inTransaction, inSavepoint, DATABASE_FILE } from './database.ts';
export { BlueprintStore } from './blueprint-store.ts';
export { EntityStore, type RelationEdge } from './entity-store.ts';
export { AuditStore, type AuditEntry, type AuditRecord, type AuditQuery } from './audit-store.ts';
export { TokenStore, type IssuedToken } from './token-store.ts';
