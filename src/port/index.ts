/** The Port API client (docs/port-api.md): one for the Action and the App. */
export { createPortClient, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from './client.ts';
export type { PortClient, PortClientOptions } from './client.ts';
export { PortApiError } from './errors.ts';
export {
  AnswerTooLargeError,
  DEFAULT_MAX_ANSWER_BYTES,
  ENTITY_MAX_ANSWER_BYTES,
  LIST_MAX_ANSWER_BYTES,
  readAtMost,
  readBoundedBytes,
} from './answer-body.ts';
export { createRedactor } from './log.ts';
export type { PortLogger, Redactor } from './log.ts';
export { secretForms } from './secret-forms.ts';
export type {
  BlueprintSearchOptions,
  DeleteOptions,
  ProjectionOptions,
  UpsertOptions,
  WriteOptions,
} from './entities.ts';
export { MAX_BATCH_ENTITIES, MAX_BODY_BYTES } from './bulk.ts';
export type { BulkEntity, BulkEntityError, BulkUpsertResult } from './bulk.ts';
export type { ClaimPendingRunsInput, RunAcknowledgement, RunFilters, RunLogInput, RunPatch } from './runs.ts';
export type { PortFetch, PortFetchAnswer } from './http.ts';
// The shapes it sends and answers are the Port model's, which the catalog and the App share.
export type * from '../port-model/index.ts';
