/**
 * The one retry policy (shared by the Port client, the outboxes and the App's GitHub calls): which failures are
 * worth another try, how long to wait first, and the waiting itself. Small and dependency-free: the Action bundles it.
 */
export {
  type CallFailure,
  failedBeforeSending,
  mayHaveTakenEffect,
  mayRetry,
  type RetryConditions,
} from './transient.ts';
export { type Backoff, backoffDelayMs } from './backoff.ts';
export { DEFAULT_RETRY_POLICY, type RetryAnswer, type RetryPolicy, retryDelayMs } from './call-retries.ts';
export { wait } from './wait.ts';
