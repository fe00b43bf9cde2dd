import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { AppState } from '../../../app/state/index.ts';
import { ENGINES } from '../../sql/engines.ts';
import { NOW, trueCount, twoReplicas } from './state-engines.ts';

const TTL = 60_000;

describe.each(ENGINES)('WorkLeases on $dialect', (engine) => {
  let a: AppState;
  let b: AppState;

  beforeAll(() => engine.setUp('work-leases'));
  afterAll(() => engine.tearDown());
  beforeEach(async () => {
    ({ a, b } = await twoReplicas(engine));
  });

  test("a replica's lease is the outbox's owner name", () => {
    expect(a.leases.owner).toBe('replica-a');
    expect(a.leases.owner).toBe(a.outbox.owner);
  });

  test('acquire: free, then held by its owner (extended), refused to another while it lives', async () => {
    expect(await a.leases.holder('resync:1', NOW)).toBeUndefined();
    expect(await a.leases.acquire('resync:1', TTL, NOW)).toBe(true);
    expect(await b.leases.holder('resync:1', NOW + 1)).toBe('replica-a');
    expect(await b.leases.acquire('resync:1', TTL, NOW + 1)).toBe(false);
    // Its owner again: extended to NOW + 10 + TTL.
    expect(await a.leases.acquire('resync:1', TTL, NOW + 10)).toBe(true);
    expect(await b.leases.acquire('resync:1', TTL, NOW + TTL + 5)).toBe(false);
    expect(await b.leases.holder('resync:1', NOW + TTL + 9)).toBe('replica-a');
    // Other names are other leases.
    expect(await b.leases.acquire('resync:2', TTL, NOW)).toBe(true);
  });

  test('a lease that ran out is taken over; its old owner cannot renew it', async () => {
    expect(await a.leases.acquire('resync:1', 1000, NOW)).toBe(true);
    expect(await a.leases.renew('resync:1', 1000, NOW + 500)).toBe(true);
    expect(await b.leases.holder('resync:1', NOW + 1499)).toBe('replica-a');
    expect(await b.leases.holder('resync:1', NOW + 1500)).toBeUndefined();
    expect(await b.leases.acquire('resync:1', 1000, NOW + 1500)).toBe(true);
    expect(await a.leases.renew('resync:1', 1000, NOW + 1501)).toBe(false);
    expect(await a.leases.holder('resync:1', NOW + 1501)).toBe('replica-b');
    expect(await a.leases.acquire('resync:1', 1000, NOW + 1502)).toBe(false);
    expect(await b.leases.renew('resync:1', 1000, NOW + 2000)).toBe(true);
    expect(await b.leases.holder('resync:1', NOW + 2999)).toBe('replica-b');
  });

  test('renew: false for a lease never taken or released; a lapsed one nobody took over is extended', async () => {
    expect(await a.leases.renew('resync:1', TTL, NOW)).toBe(false);
    expect(await a.leases.acquire('resync:1', 1000, NOW)).toBe(true);
    expect(await a.leases.renew('resync:1', 1000, NOW + 5000)).toBe(true);
    expect(await b.leases.holder('resync:1', NOW + 5999)).toBe('replica-a');
    await a.leases.release('resync:1');
    expect(await a.leases.renew('resync:1', 1000, NOW + 6000)).toBe(false);
  });

  test("release: only the owner's; then free for anyone", async () => {
    expect(await a.leases.acquire('resync:1', TTL, NOW)).toBe(true);
    await b.leases.release('resync:1');
    expect(await a.leases.holder('resync:1', NOW)).toBe('replica-a');
    await a.leases.release('resync:1');
    expect(await a.leases.holder('resync:1', NOW)).toBeUndefined();
    expect(await b.leases.acquire('resync:1', TTL, NOW + 1)).toBe(true);
    await a.leases.release('never-taken');
  });

  test('20 replicas acquire at once: exactly one wins, free or lapsed', async () => {
    // 20 owners, half on the connections of a, half on those of b.
    const replicas = Array.from(
      { length: 20 },
      (_, index) => new AppState(index % 2 === 0 ? a.db : b.db, { owner: `replica-${index}` }),
    );
    expect(await trueCount(20, replicas, (state) => state.leases.acquire('resync:race', TTL, NOW))).toBe(1);
    const winner = (await a.leases.holder('resync:race', NOW))!;
    expect(winner).toMatch(/^replica-\d+$/);
    const others = replicas.filter((state) => state.leases.owner !== winner);
    expect(await trueCount(19, others, (state) => state.leases.acquire('resync:race', TTL, NOW + TTL - 1))).toBe(0);
    expect(await trueCount(19, others, (state) => state.leases.acquire('resync:race', TTL, NOW + TTL))).toBe(1);
  });

  test('acquire in a transaction that rolls back takes nothing', async () => {
    await expect(
      a.transaction(async (tx) => {
        expect(await a.leases.acquire('resync:1', TTL, NOW, tx)).toBe(true);
        expect(await a.leases.holder('resync:1', NOW, tx)).toBe('replica-a');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await b.leases.acquire('resync:1', TTL, NOW)).toBe(true);
  });
});
