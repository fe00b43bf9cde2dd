export { CatalogContext, generateIdentifier, type Actor } from './context.ts';
export {
  writeEntity,
  writeEntities,
  deleteEntity,
  requireBlueprint,
  requireEntity,
  type WriteMode,
  type WriteOptions,
  type WriteResult,
  type BulkWriteResult,
} from './entities.ts';
export { parseEntityInput } from './entity-input.ts';
export { datasourceOf, OCEAN_USER_AGENT_PREFIX, MAX_DATASOURCE_LENGTH } from './datasource.ts';
export { createBlueprint, replaceBlueprint, patchBlueprint, deleteBlueprint } from './blueprints.ts';
export { projectEntity, type Projection } from './entity-view.ts';
export { datasourceEntities, type DatasourceEntitiesPage } from './datasource-entities.ts';
export { deleteAllEntities } from './delete-all-entities.ts';
export { searchBlueprintEntities, searchAllEntities, type SearchPage } from './search.ts';
export {
  searchEntitiesPage,
  entitySortSchema,
  MAX_PAGE_LIMIT,
  type EntityPage,
  type EntityPageRequest,
} from './entity-page.ts';
export { createAction, replaceAction, deleteAction, requireAction } from './actions.ts';
export {
  createRun,
  patchRun,
  addRunLog,
  endRun,
  logToRun,
  requireRun,
  requireWritableRun,
  isEnded,
  generateRunId,
} from './runs.ts';
export { recordEntityChange } from './entity-changes.ts';
export {
  makeClaimable,
  claimPendingRuns,
  acknowledgeRun,
  CLAIM_LIMIT,
  VISIBILITY_TIMEOUT_MS,
  MAX_EXCLUDED_RUNS,
} from './integration-runs.ts';
export {
  integrationView,
  requireIntegration,
  createIntegration,
  patchIntegration,
  updateResyncState,
  deleteIntegration,
  ingestLogs,
  ingestKindExamples,
} from './integrations.ts';
