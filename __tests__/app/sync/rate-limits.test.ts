import { describe, expect, test } from '@jest/globals';
import { RESYNC_RATE_POLICY, retryDecision } from '../../../app/sync/github/rate-limits.ts';

const NOW = 1_750_000_000_000;
const failure = (status: number | undefined, headers: Record<string, string> = {}, message = 'x', extra = {}) => ({
  status,
  message,
  response: { headers },
  ...extra,
});

describe('retryDecision: how long GitHub asks to wait', () => {
  test('Retry-After comes first, in seconds', () => {
    expect(
      retryDecision(failure(403, { 'retry-after': '30' }, 'secondary rate limit'), 1, RESYNC_RATE_POLICY, NOW),
    ).toEqual({ retry: true, waitMs: 30_000, reason: 'GitHub asked to retry after 30 s' });
    expect(retryDecision(failure(429, { 'retry-after': '2' }), 1, RESYNC_RATE_POLICY, NOW)).toMatchObject({
      retry: true,
      waitMs: 2000,
    });
  });

  test('an exhausted quota waits until one second past x-ratelimit-reset', () => {
    const reset = String(NOW / 1000 + 120);
    expect(
      retryDecision(
        failure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
        1,
        RESYNC_RATE_POLICY,
        NOW,
      ),
    ).toMatchObject({ retry: true, waitMs: 121_000 });
  });

  test('GraphQL RATE_LIMITED errors (answered 200) wait for the reset too', () => {
    const reset = String(NOW / 1000 + 10);
    const error = {
      message: 'rate limited',
      headers: { 'x-ratelimit-reset': reset },
      errors: [{ type: 'RATE_LIMITED' }],
    };
    expect(retryDecision(error, 1, RESYNC_RATE_POLICY, NOW)).toMatchObject({ retry: true, waitMs: 11_000 });
  });

  test('a secondary limit without Retry-After waits a minute, doubling', () => {
    const error = failure(403, {}, 'You have exceeded a secondary rate limit');
    expect(retryDecision(error, 1, RESYNC_RATE_POLICY, NOW)).toMatchObject({ retry: true, waitMs: 60_000 });
    expect(retryDecision(error, 2, RESYNC_RATE_POLICY, NOW)).toMatchObject({ retry: true, waitMs: 120_000 });
  });

  test('server errors and network failures back off; other refusals are final', () => {
    const server = retryDecision(failure(502), 1, RESYNC_RATE_POLICY, NOW);
    expect(server.retry).toBe(true);
    expect((server as { waitMs: number }).waitMs).toBeLessThanOrEqual(RESYNC_RATE_POLICY.baseBackoffMs);
    expect(retryDecision(failure(undefined, {}, 'fetch failed'), 1, RESYNC_RATE_POLICY, NOW).retry).toBe(true);
    expect(
      retryDecision(failure(403, {}, 'Resource not accessible by integration'), 1, RESYNC_RATE_POLICY, NOW),
    ).toEqual({
      retry: false,
    });
    expect(retryDecision(failure(404), 1, RESYNC_RATE_POLICY, NOW)).toEqual({ retry: false });
    expect(retryDecision(new TypeError('a bug'), 1, RESYNC_RATE_POLICY, NOW)).toEqual({ retry: false });
  });
});
