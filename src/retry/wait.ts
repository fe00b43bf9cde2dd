import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits `ms`. When `signal` aborts first, rejects with its reason, what the caller was stopped for, as a call that
 * signal aborts would, rather than with the timer's own AbortError.
 */
export async function wait(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms);
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  }
}
