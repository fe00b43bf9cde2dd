export {
  AppState,
  APP_STATE_FILE,
  DEFAULT_LEASE_MS,
  openAppState,
  type AppStateOptions,
  type InvocationState,
  type LinkedRun,
} from './app-state.ts';
export { ActionRuns, DEFAULT_RUN_HOLD_MS, type ActionRunState, type StoredActionRun } from './action-runs.ts';
export { appStateMigrations, LEGACY_SQLITE_VERSIONS } from './migrations.ts';
export { OutboxQueue, type Delivery, type OutboxQueueOptions } from './outbox-queue.ts';
export { WorkLeases } from './work-leases.ts';
export { SyncState, type ResyncProgress, type ResyncRecord, type ResyncState, type TrackedRow } from './sync-state.ts';
