import { describe, expect, test } from '@jest/globals';
import { createConcurrencyLimit } from '../../src/port/concurrency.ts';
import { DEFAULT_RETRY_POLICY, failedBeforeSending, retryDelayMs } from '../../src/port/retry.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const answer = (status: number, headers: Record<string, string>) => ({ status, headers: new Headers(headers) });

describe('retryDelayMs', () => {
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
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayMs(policy, retry, undefined, NOW, () => 0.999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(retryDelayMs(policy, 3, undefined, NOW, () => 0)).toBe(0);
  });
});

describe('failedBeforeSending', () => {
  const fetchFailure = (cause: unknown) => new TypeError('fetch failed', { cause });
  test('connection refused and name lookups never sent anything', () => {
    expect(failedBeforeSending(fetchFailure(Object.assign(new Error(), { code: 'ECONNREFUSED' })))).toBe(true);
    const everyAddress = new AggregateError([
      Object.assign(new Error(), { code: 'ECONNREFUSED' }),
      Object.assign(new Error(), { code: 'ENETUNREACH' }),
    ]);
    expect(failedBeforeSending(fetchFailure(everyAddress))).toBe(true);
  });
  test('a reset, a closed socket or a timeout may have come after the server acted', () => {
    expect(failedBeforeSending(fetchFailure(Object.assign(new Error(), { code: 'ECONNRESET' })))).toBe(false);
    expect(failedBeforeSending(fetchFailure(Object.assign(new Error(), { code: 'UND_ERR_SOCKET' })))).toBe(false);
    expect(failedBeforeSending(new DOMException('timed out', 'TimeoutError'))).toBe(false);
  });
});

describe('createConcurrencyLimit', () => {
  test('never runs more than the limit at once, and runs everything', async () => {
    const limit = createConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const task = async (n: number) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return n;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => limit.run(() => task(n))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  test('a failing task frees its slot', async () => {
    const limit = createConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.run(async () => 'next')).resolves.toBe('next');
  });
});
