import { describe, expect, test } from '@jest/globals';
import { createConcurrencyLimit } from '../../src/port/concurrency.ts';

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
