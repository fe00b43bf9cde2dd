export { catalogRoutes, errorAnswer, MAX_BODY_BYTES, noRoute, type CatalogHttpOptions } from './plugin.ts';
export type { RateLimitSettings } from './rate-limit.ts';
