/** When to retry a Port call and how long to wait first. */

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The backoff ceiling of the first retry; it doubles with each further one. */
  baseDelayMs: number;
  /** No single wait is longer, whatever the server asks for. */
  maxDelayMs: number;
  /** Total time one call may spend waiting between attempts. */
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  budgetMs: 60_000,
};

/** Answers that say "not now" rather than "no": the contract's advice is to retry them. */
const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Whether a call that is not safe to repeat may still be retried after this answer: a 429 is refused before the
 * server does anything, so the call had no effect. A 503 may come from a proxy after the server acted.
 */
export function provesNoEffect(status: number): boolean {
  return status === 429;
}

/** Connection failures that happen before any byte of the request is sent, so the server never saw it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** True when fetch failed while connecting: any call may be retried, even one that is not idempotent. */
export function failedBeforeSending(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const codes = errorCodes(cause);
  return codes.length > 0 && codes.every((code) => NOT_SENT_CODES.has(code));
}

/** The error codes of a fetch failure's cause; Node reports every address it tried in an AggregateError. */
function errorCodes(cause: unknown): string[] {
  const failure = cause as { code?: unknown; errors?: unknown } | null;
  if (Array.isArray(failure?.errors) && failure.errors.length > 0) return failure.errors.flatMap(errorCodes);
  return typeof failure?.code === 'string' ? [failure.code] : [];
}

/**
 * The wait before retry number `retry` (1 for the first): what the server asked for (`Retry-After` in seconds or
 * as an HTTP date, then, on a 429, `x-ratelimit-reset` in epoch seconds), else exponential backoff with full
 * jitter. Never more than `maxDelayMs`.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  answer: { status: number; headers: { get(name: string): string | null } } | undefined,
  now: number,
  random: () => number = Math.random,
): number {
  const asked = answer ? serverAskedDelayMs(answer.status, answer.headers, now) : undefined;
  if (asked !== undefined) return Math.min(asked, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

function serverAskedDelayMs(
  status: number,
  headers: { get(name: string): string | null },
  now: number,
): number | undefined {
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
