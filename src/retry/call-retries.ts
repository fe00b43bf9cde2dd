import { type Backoff, backoffDelayMs } from './backoff.ts';

/** How one call retries within itself: how often, how long each wait, how long in all. */
export interface RetryPolicy extends Backoff {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Total time one call may spend waiting between attempts. */
  budgetMs: number;
}

/** Full jitter: a caller waits as little as it can while many that failed together spread out. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseMs: 500,
  maxMs: 30_000,
  jitter: 1,
  budgetMs: 60_000,
};

/** The part of an HTTP answer that may say when to come back. */
export interface RetryAnswer {
  status: number;
  headers: { get(name: string): string | null };
}

/**
 * The wait before retry number `retry` (1 for the first): what the server asked for (`Retry-After` in seconds or
 * as an HTTP date, then, on a 429, `x-ratelimit-reset` in epoch seconds), else the backoff. Never more than
 * `maxMs`, whatever the server asks for.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  answer: RetryAnswer | undefined,
  now: number,
  random: () => number = Math.random,
): number {
  const asked = answer ? serverAskedDelayMs(answer, now) : undefined;
  if (asked !== undefined) return Math.min(asked, policy.maxMs);
  return backoffDelayMs(policy, retry, random);
}

function serverAskedDelayMs({ status, headers }: RetryAnswer, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  // The reset time is sent on every answer; it only says when to come back once the limit is reached.
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (status === 429 && reset && /^\d+(\.\d+)?$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}
