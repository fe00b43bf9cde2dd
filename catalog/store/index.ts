export { openCatalogDatabase, migrateCatalog, inTransaction, inSavepoint, DATABASE_FILE } from './database.ts';
export { BlueprintStore } from './blueprint-store.ts';
export {
  EntityStore,
  KEEP_DATASOURCE,
  entitySearchSql,
  SORTABLE_META_COLUMNS,
  type EntitySearch,
  type RelationEdge,
  type SortOrder,
  type EntitySort,
} from './entity-store.ts';
export { AuditStore, type AuditAction, type AuditEntry, type AuditRecord, type AuditQuery } from './audit-store.ts';
export { TokenStore, TOKEN_ISSUER, type IssuedToken } from './token-store.ts';
export { SettingsStore } from './settings-store.ts';
export { IntegrationStore, MAX_LOGS_PER_INTEGRATION, type StoredIntegration } from './integration-store.ts';
export { ActionStore } from './action-store.ts';
export { RunStore, type StoredRun, type RunInvocation, type RunFilter } from './run-store.ts';
export { IntegrationRunStore, type IntegrationRunState, type ClaimRequest } from './integration-run-store.ts';
export { propertyPath, propertyPathLiteral } from './property-path.ts';
export {
  syncPropertyIndexes,
  indexSearchedProperties,
  propertyIndexName,
  isIndexedProperty,
  MAX_PROPERTY_INDEXES,
  STATISTICS_REFRESH_WRITES,
  refreshPlannerStatistics,
} from './property-indexes.ts';
