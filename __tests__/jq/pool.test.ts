import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { configureJq, evaluateJq, JqLimitError } from '../../src/jq/index.ts';

beforeAll(async () => {
  await configureJq({ workers: 1, timeoutMs: 1500, memoryMb: 128 });
});
afterAll(async () => {
  await configureJq({});
});

describe('the jq pool', () => {
  test('an evaluation behind one that never ends does not wait for its limit: the lane grows', async () => {
    const finished: string[] = [];
    const spinning = evaluateJq('[limit(1; repeat(1) | select(. == 2))]', null).catch((error: unknown) => {
      finished.push('spin');
      return error;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ordinary = evaluateJq('.a + 1', { a: 41 }).then((result) => {
      finished.push('ordinary');
      return result;
    });
    expect(await ordinary).toEqual([42]);
    expect(await spinning).toBeInstanceOf(JqLimitError);
    expect(finished).toEqual(['ordinary', 'spin']);
  });

  test('the memory cap stops a program and names the limit; the next evaluation works', async () => {
    const error = await evaluateJq('[range(1e9)]', null).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(JqLimitError);
    expect((error as JqLimitError).overrun).toBe('memory');
    expect((error as Error).message).toBe(
      'jq needed more than 128 MiB of memory and was stopped (limit: WHARF_JQ_MEMORY_MB)',
    );
    expect(await evaluateJq('[.[] * 2]', [1, 2])).toEqual([[2, 4]]);
  });

  test('jq errors stay jq errors, not limits', async () => {
    const error = await evaluateJq('error("boom")', null).catch((failure: unknown) => failure);
    expect(error).not.toBeInstanceOf(JqLimitError);
    expect((error as Error).message).toBe('boom');
  });
});
