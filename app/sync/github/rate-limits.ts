/**
 * GitHub's rate limits, for catalog sync's reads. Probot's own throttling does not cover them: it spaces GraphQL
 * calls 1 s apart (they count as writes there), its settings in Probot never retry a secondary limit, and it
 * retries a primary one only after the quota is gone. Here every answer updates what is left of the quota (the
 * `rateLimit` object of our GraphQL queries, or the x-ratelimit-* headers); calls wait for the reset when the
 * quota runs low, so live events keep a reserve; and a refused call waits as GitHub asks (Retry-After, then
 * x-ratelimit-reset, then a minute for a secondary limit that names no time) before it is tried again.
 */
import { backoffDelayMs, mayRetry } from '../../../src/retry/index.ts';

export interface RateLimitPolicy {
  /** Retries after the first attempt, for rate limits and server errors alike. */
  maxRetries: number;
  /** Longest single wait; a call that would have to wait longer fails instead (live events), or waits (resync). */
  maxWaitMs: number;
  /** Points left below which calls wait for the reset. */
  reserve: number;
  /** First backoff for server errors and network failures; it doubles with each retry. */
  baseBackoffMs: number;
}

export const RESYNC_RATE_POLICY: RateLimitPolicy = {
  maxRetries: 6,
  maxWaitMs: 60 * 60_000,
  reserve: 200,
  baseBackoffMs: 1000,
};

export const LIVE_RATE_POLICY: RateLimitPolicy = {
  maxRetries: 2,
  maxWaitMs: 10_000,
  reserve: 0,
  baseBackoffMs: 250,
};

/** What is known of an installation's GraphQL quota. */
export interface Quota {
  remaining: number;
  /** Epoch milliseconds. */
  resetAt: number;
}

type Headers = Record<string, string | number | undefined>;

interface GithubFailure {
  status?: number;
  message?: string;
  headers?: Headers;
  response?: { headers?: Headers };
  errors?: Array<{ type?: string; message?: string }>;
  code?: string;
  cause?: unknown;
}

/** The headers of an Octokit error, wherever that kind of error keeps them. */
function headersOf(error: GithubFailure): Headers {
  return error.response?.headers ?? error.headers ?? {};
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : String(value);
}

/** The quota an answer's headers report, if they do. */
export function quotaFromHeaders(headers: Headers): Quota | undefined {
  const remaining = Number(header(headers, 'x-ratelimit-remaining'));
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  if (
    !Number.isFinite(remaining) ||
    !Number.isFinite(reset) ||
    header(headers, 'x-ratelimit-remaining') === undefined
  ) {
    return undefined;
  }
  return { remaining, resetAt: reset * 1000 };
}

/** A minute, doubling with each further retry, exactly: GitHub names the minute as the least to wait. */
const SECONDARY_LIMIT_BACKOFF = { baseMs: 60_000, maxMs: Infinity, jitter: 0 };

export type RetryDecision =
  { retry: true; waitMs: number; reason: string } | { retry: false; reason?: string | undefined };

/**
 * Whether a failed call may be tried again and after how long, from GitHub's answer: `retry` is the number of
 * this retry (1 for the first).
 */
export function retryDecision(error: unknown, retry: number, policy: RateLimitPolicy, now: number): RetryDecision {
  const failure = (error ?? {}) as GithubFailure;
  const headers = headersOf(failure);
  const status = failure.status;
  const message = failure.message ?? '';
  const retryAfter = header(headers, 'retry-after');
  const rateLimited = (failure.errors ?? []).some((problem) => problem.type === 'RATE_LIMITED');
  const secondary = /secondary rate limit|abuse detection/i.test(message);
  const exhausted = header(headers, 'x-ratelimit-remaining') === '0';

  if (status === 403 || status === 429 || rateLimited) {
    if (retryAfter !== undefined && /^\d+$/.test(retryAfter.trim())) {
      return { retry: true, waitMs: Number(retryAfter) * 1000, reason: `GitHub asked to retry after ${retryAfter} s` };
    }
    if (exhausted || rateLimited) {
      const reset = Number(header(headers, 'x-ratelimit-reset'));
      // One second past the reset, as GitHub's documentation advises.
      const waitMs = Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) + 1000 : 60_000;
      return { retry: true, waitMs, reason: 'the rate limit is used up until its reset' };
    }
    if (secondary || status === 429) {
      // GitHub: "wait at least one minute before retrying", longer with each further one.
      return { retry: true, waitMs: backoffDelayMs(SECONDARY_LIMIT_BACKOFF, retry), reason: 'a secondary rate limit' };
    }
    return { retry: false };
  }
  // Reads, safe to repeat, and a server's fault may pass. Octokit passes GraphQL errors on without a status too:
  // only fetch's failures are no answer.
  const transient =
    status === undefined ? isNetworkFailure(failure) : mayRetry({ status }, { idempotent: true, serverFaults: true });
  if (!transient) return { retry: false };
  const reason = status === undefined ? `no answer (${message})` : `answered ${status}`;
  // The longest single wait is the policy's maxWaitMs, which fails the call rather than cap its wait.
  const backoff = { baseMs: policy.baseBackoffMs, maxMs: Infinity, jitter: 0.5 };
  return { retry: true, waitMs: backoffDelayMs(backoff, retry), reason };
}

/** fetch's failures (refused, reset, timed out), as Octokit passes them on without an HTTP status. */
function isNetworkFailure(failure: GithubFailure): boolean {
  const text = `${failure.message ?? ''} ${String((failure.cause as { code?: string } | undefined)?.code ?? '')}`;
  return /fetch failed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket|other side closed|timeout|aborted/i.test(text);
}
