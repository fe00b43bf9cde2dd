export { catalogRoutes, MAX_BODY_BYTES, type CatalogHttpOptions } from './plugin.ts';
export type { RateLimitSettings } from './rate-limit.ts';
export { answerInProcess, type InProcessAnswer, type InProcessCall } from './in-process.ts';
