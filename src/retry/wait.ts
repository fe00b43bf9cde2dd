import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits `ms`. When `signal` aborts first, rejects with its reason, what the caller was stopped for, as a call that
 * signal aborts would, rather than with the timer's own AbortError.
 */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch((error: unknown) => {
    throw signal?.aborted ? signal.reason : error;
  });
}
