/**
 * Catalog sync (issue 6): repositories and their objects into Port with port-app-config.yml, from live events,
 * GitOps files and full resyncs. The mapping engine is in ./mapping.
 */
export { CatalogSync, DEFAULT_SYNC_SETTINGS, type CatalogSyncEvents } from './catalog-sync.ts';
export type { SyncSettings } from './sync-context.ts';
export { registerSyncWebhooks } from './webhooks.ts';
export { resyncRoute, RESYNC_PATH } from './resync/resync-route.ts';
export { CONFIG_PATH, ORGANIZATION_CONFIG_REPOSITORIES, type BrokenConfig } from './config/config-resolver.ts';
export { CATALOG_SYNC, type SyncJob } from './writes/sync-jobs.ts';
export type { ResyncRecord } from '../state/index.ts';
export type { ResyncTicket } from './resync/resyncs.ts';
