import { describe, expect, test } from '@jest/globals';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  failedBeforeSending,
  mayHaveTakenEffect,
  mayRetry,
  retryDelayMs,
  wait,
} from '../../src/retry/index.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers) });
const fetchFailure = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(), { code }) });

describe('which failures are worth another try', () => {
  const safe = { idempotent: true };
  const later = { idempotent: true, serverFaults: true };

  test('"not now" answers (408, 429, 502, 503, 504) and no answer: retried by every caller of a safe call', () => {
    for (const status of [408, 429, 502, 503, 504]) {
      expect([status, mayRetry({ status }, safe), mayRetry({ status }, later)]).toEqual([status, true, true]);
    }
    expect(mayRetry({ status: undefined, cause: fetchFailure('ECONNRESET') }, safe)).toBe(true);
  });

  test('a refusal (400, 401, 403, 404, 409, 422) is final for every caller', () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      expect([status, mayRetry({ status }, later)]).toEqual([status, false]);
    }
  });

  test('serverFaults: a 500 (any 5xx) is retried by a delivery that comes back later, not within one call', () => {
    for (const status of [500, 501, 507]) {
      expect([status, mayRetry({ status }, safe), mayRetry({ status }, later)]).toEqual([status, false, true]);
    }
  });

  test('a call not safe to repeat: only after a failure that proves nothing was done', () => {
    const once = { idempotent: false, serverFaults: true };
    expect(mayRetry({ status: 429 }, once)).toBe(true);
    expect(mayRetry({ status: undefined, cause: fetchFailure('ECONNREFUSED') }, once)).toBe(true);
    // A proxy answers 503 when the server it waited for went away mid-request; a reset may follow the server's work.
    expect(mayRetry({ status: 503 }, once)).toBe(false);
    expect(mayRetry({ status: 500 }, once)).toBe(false);
    expect(mayRetry({ status: undefined, cause: fetchFailure('ECONNRESET') }, once)).toBe(false);
  });

  test('mayHaveTakenEffect: no answer after sending, or a 5xx; a 4xx is a refusal', () => {
    expect(mayHaveTakenEffect({ status: 500 })).toBe(true);
    expect(mayHaveTakenEffect({ status: 503 })).toBe(true);
    expect(mayHaveTakenEffect({ status: undefined, cause: fetchFailure('ECONNRESET') })).toBe(true);
    expect(mayHaveTakenEffect({ status: undefined, cause: new Error('a bug') })).toBe(true);
    expect(mayHaveTakenEffect({ status: undefined, cause: fetchFailure('ECONNREFUSED') })).toBe(false);
    expect(mayHaveTakenEffect({ status: 422 })).toBe(false);
    expect(mayHaveTakenEffect({ status: 429 })).toBe(false);
  });
});

describe('failedBeforeSending', () => {
  test('connection refused and name lookups never sent anything', () => {
    expect(failedBeforeSending(fetchFailure('ECONNREFUSED'))).toBe(true);
    const everyAddress = new AggregateError([
      Object.assign(new Error(), { code: 'ECONNREFUSED' }),
      Object.assign(new Error(), { code: 'ENETUNREACH' }),
    ]);
    expect(failedBeforeSending(new TypeError('fetch failed', { cause: everyAddress }))).toBe(true);
  });
  test('a reset, a closed socket or a timeout may have come after the server acted', () => {
    expect(failedBeforeSending(fetchFailure('ECONNRESET'))).toBe(false);
    expect(failedBeforeSending(fetchFailure('UND_ERR_SOCKET'))).toBe(false);
    expect(failedBeforeSending(new DOMException('timed out', 'TimeoutError'))).toBe(false);
  });
});

describe('backoffDelayMs: one exponential backoff', () => {
  const backoff = { baseMs: 100, maxMs: 1000 };
  test('full jitter (1): anywhere below the ceiling, which doubles up to maxMs', () => {
    const full = { ...backoff, jitter: 1 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(full, retry, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelayMs(full, 3, () => 0)).toBe(0);
  });
  test('upper-half jitter (0.5): at least half the ceiling', () => {
    const half = { ...backoff, jitter: 0.5 };
    expect(backoffDelayMs(half, 1, () => 0)).toBe(50);
    expect(backoffDelayMs(half, 2, () => 0.5)).toBe(150);
    expect(backoffDelayMs(half, 9, () => 1)).toBe(1000);
  });
  test('no jitter (0): the ceiling itself; finite even without a maximum, however many retries', () => {
    expect(backoffDelayMs({ ...backoff, jitter: 0 }, 3, () => 0.3)).toBe(400);
    const unbounded = { baseMs: 60_000, maxMs: Infinity, jitter: 0 };
    expect(backoffDelayMs(unbounded, 2)).toBe(120_000);
    expect(Number.isFinite(backoffDelayMs(unbounded, 5000))).toBe(true);
  });
});

describe('retryDelayMs: what the server asks for, else the backoff', () => {
  test('Retry-After in seconds, then as an HTTP date', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, answer(429, { 'retry-after': '7' }), NOW)).toBe(7000);
    const date = new Date(NOW + 12_000).toUTCString();
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, answer(503, { 'retry-after': date }), NOW)).toBe(12_000);
  });

  test('x-ratelimit-reset (epoch seconds) on a 429 without Retry-After; ignored on other answers', () => {
    const reset = { 'x-ratelimit-reset': String(NOW / 1000 + 4) };
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, answer(429, reset), NOW)).toBe(4000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, answer(503, reset), NOW, () => 0)).toBe(0);
  });

  test('what the server asks for is capped', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, answer(429, { 'retry-after': '3600' }), NOW)).toBe(30_000);
  });

  test('else exponential backoff with full jitter', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayMs(policy, retry, undefined, NOW, () => 0.999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(retryDelayMs(policy, 3, undefined, NOW, () => 0)).toBe(0);
  });
});

describe('wait', () => {
  test('waits about the time asked', async () => {
    const started = performance.now();
    await wait(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  test("a stop ends it at once, with the signal's reason", async () => {
    const stop = new AbortController();
    const reason = new Error('wharf is stopping');
    const started = performance.now();
    const waiting = wait(60_000, stop.signal);
    stop.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(wait(10, stop.signal)).rejects.toBe(reason);
  });
});
