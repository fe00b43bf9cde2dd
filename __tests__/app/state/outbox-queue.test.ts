import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { type AppState, type Delivery, OutboxQueue, type OutboxQueueOptions } from '../../../app/state/index.ts';
import { ENGINES } from '../../sql/engines.ts';
import { NOW, twoReplicas } from './state-engines.ts';

const LEASE_MS = 1000;

describe.each(ENGINES)('OutboxQueue on $dialect', (engine) => {
  let a: OutboxQueue;
  let b: OutboxQueue;
  let state: AppState;

  beforeAll(() => engine.setUp('outbox-queue'));
  afterAll(() => engine.tearDown());
  beforeEach(async () => {
    const replicas = await twoReplicas(engine, { a: { leaseMs: LEASE_MS }, b: { leaseMs: LEASE_MS } });
    state = replicas.a;
    a = replicas.a.outbox;
    b = replicas.b.outbox;
  });

  const enqueue = (queue: OutboxQueue, orderingKey: string, payload: unknown = {}, now = NOW, hold = false) =>
    queue.enqueue({ kind: 'port-write', orderingKey, payload, hold }, now);
  const ids = (deliveries: readonly Delivery[]): number[] => deliveries.map((delivery) => delivery.id);
  const rowOf = async (id: number) =>
    (
      await state.db.query(
        'SELECT attempts, next_attempt_at, last_error, state, lease_owner, lease_until FROM deliveries WHERE id = $1',
        [id],
      )
    )[0];

  test('enqueue answers the row; lease hands it out with its payload, once', async () => {
    const row = await enqueue(a, 'run:1', { steps: ['patch', 'log'], big: 15_123_456_789 });
    expect(row).toEqual({
      id: row.id,
      kind: 'port-write',
      orderingKey: 'run:1',
      payload: { steps: ['patch', 'log'], big: 15_123_456_789 },
      attempts: 0,
      createdAt: NOW,
    });
    expect(await b.lease(NOW, 10)).toEqual([row]);
    expect(await b.lease(NOW, 10)).toEqual([]);
    expect(await a.lease(NOW + LEASE_MS - 1, 10)).toEqual([]);
    expect(await rowOf(row.id)).toMatchObject({ lease_owner: 'replica-b', lease_until: NOW + LEASE_MS });
  });

  test('lease: at most limit rows, in id order, the first of each ordering key only', async () => {
    const k1 = await enqueue(a, 'k1');
    const k2 = await enqueue(a, 'k2');
    const k1b = await enqueue(a, 'k1');
    const k3 = await enqueue(a, 'k3');
    const k2b = await enqueue(a, 'k2');
    expect(ids(await a.lease(NOW, 2))).toEqual([k1.id, k2.id]);
    // k1 and k2 are leased, still pending: their later rows wait.
    expect(ids(await b.lease(NOW, 10))).toEqual([k3.id]);
    await a.complete([k1.id]);
    expect(ids(await b.lease(NOW, 10))).toEqual([k1b.id]);
    await b.complete([k3.id, k1b.id]);
    await a.complete([k2.id]);
    expect(ids(await a.lease(NOW, 10))).toEqual([k2b.id]);
  });

  test('a row enqueued in the future, or retried later, is not leased before then; its key waits for it', async () => {
    const first = await enqueue(a, 'k');
    const second = await enqueue(a, 'k');
    const [leased] = await a.lease(NOW, 10);
    expect(leased?.id).toBe(first.id);
    expect(await a.retry(first.id, NOW + 500, 'HTTP 503', NOW + 10)).toBe(true);
    expect(await rowOf(first.id)).toEqual({
      attempts: 1,
      next_attempt_at: NOW + 500,
      last_error: 'HTTP 503',
      state: 'pending',
      lease_owner: null,
      lease_until: null,
    });
    expect(await b.lease(NOW + 499, 10)).toEqual([]);
    expect(await b.lease(NOW + 500, 10)).toEqual([{ ...first, attempts: 1 }]);
    // Given up: no longer holding back its key.
    expect(await b.giveUp(first.id, 'HTTP 422', NOW + 501)).toBe(true);
    expect(await rowOf(first.id)).toMatchObject({ attempts: 2, state: 'failed', last_error: 'HTTP 422' });
    expect(ids(await a.lease(NOW + 502, 10))).toEqual([second.id]);
    expect(await a.depth()).toBe(1);
  });

  test('complete removes rows, whoever holds them', async () => {
    const one = await enqueue(a, 'k1');
    const two = await enqueue(a, 'k2');
    const three = await enqueue(a, 'k3');
    await a.lease(NOW, 10);
    await b.complete([one.id, three.id]);
    await b.complete([]);
    expect(await state.db.query('SELECT id FROM deliveries')).toEqual([{ id: two.id }]);
  });

  test('a lease that runs out is taken over; the first holder can then no longer record its attempt', async () => {
    const row = await enqueue(a, 'k');
    const later = await enqueue(a, 'k');
    expect(ids(await a.lease(NOW, 10))).toEqual([row.id]);
    expect(await b.lease(NOW + LEASE_MS - 1, 10)).toEqual([]);
    // a died (or stalled): b takes the row over once the lease ran out; the key's later row still waits.
    expect(ids(await b.lease(NOW + LEASE_MS, 10))).toEqual([row.id]);
    expect(await a.retry(row.id, NOW + 5000, 'late', NOW + LEASE_MS + 1)).toBe(false);
    expect(await a.giveUp(row.id, 'late', NOW + LEASE_MS + 1)).toBe(false);
    expect(await a.updatePayload(row.id, { stale: true }, NOW + LEASE_MS + 1)).toBe(false);
    expect(await rowOf(row.id)).toMatchObject({ attempts: 0, state: 'pending', lease_owner: 'replica-b' });
    expect(await b.updatePayload(row.id, { done: ['patch'] }, NOW + LEASE_MS + 2)).toBe(true);
    await b.complete([row.id]);
    expect(await a.lease(NOW + LEASE_MS + 3, 10)).toEqual([later]);
  });

  test("renew extends the holder's own leases only", async () => {
    const mine = await enqueue(a, 'k1');
    const theirs = await enqueue(a, 'k2');
    await a.lease(NOW, 1);
    await b.lease(NOW, 1);
    expect(await a.renew([mine.id, theirs.id], NOW + 900)).toEqual([mine.id]);
    expect(await a.renew([], NOW + 900)).toEqual([]);
    // b's lease ran out and was not renewed; a's was.
    expect(ids(await a.lease(NOW + LEASE_MS + 1, 10))).toEqual([theirs.id]);
    expect(ids(await b.lease(NOW + 900 + LEASE_MS - 1, 10))).toEqual([]);
    expect(ids(await b.lease(NOW + 900 + LEASE_MS, 10))).toEqual([mine.id]);
  });

  test('enqueue with hold: leased to the caller at once; release makes it due and free', async () => {
    const earlier = await enqueue(a, 'k');
    const held = await enqueue(a, 'k', { n: 2 }, NOW + 10, true);
    expect(await a.earlierPending('k', held.id)).toEqual([earlier.id]);
    expect(await b.earlierPending('k', earlier.id)).toEqual([]);
    expect(await rowOf(held.id)).toMatchObject({ lease_owner: 'replica-a', lease_until: NOW + 10 + LEASE_MS });
    await a.complete([earlier.id]);
    expect(await b.lease(NOW + 20, 10)).toEqual([]);
    await b.release(held.id, NOW + 30); // not b's: nothing happens
    expect(await b.lease(NOW + 30, 10)).toEqual([]);
    await a.release(held.id, NOW + 40);
    expect(await rowOf(held.id)).toMatchObject({ next_attempt_at: NOW + 40, lease_owner: null, lease_until: null });
    expect(ids(await b.lease(NOW + 40, 10))).toEqual([held.id]);
  });

  test('depth, oldestPendingAt (skipping rows delivered but not removed), nextDueAt', async () => {
    expect(await a.depth()).toBe(0);
    expect(await a.oldestPendingAt()).toBeUndefined();
    expect(await a.nextDueAt()).toBeUndefined();
    const one = await enqueue(a, 'k1', {}, NOW);
    const two = await enqueue(a, 'k2', {}, NOW + 5);
    await enqueue(a, 'k3', {}, NOW + 7);
    expect(await b.depth()).toBe(3);
    expect(await b.oldestPendingAt()).toBe(NOW);
    expect(await b.oldestPendingAt([one.id])).toBe(NOW + 5);
    expect(await b.oldestPendingAt([one.id, two.id])).toBe(NOW + 7);
    expect(await b.nextDueAt()).toBe(NOW);
    // Leased and retried rows count when their lease ends or their retry is due.
    await a.lease(NOW + 7, 10);
    expect(await b.nextDueAt()).toBe(NOW + 7 + LEASE_MS);
    await a.retry(one.id, NOW + 300, 'x', NOW + 8);
    expect(await b.nextDueAt()).toBe(NOW + 300);
    await a.giveUp(one.id, 'x', NOW + 9);
    await a.complete([two.id]);
    expect(await b.depth()).toBe(1);
  });

  test.each([true, false])('makeAllDue: backoffs end; leases freed when exclusive (%s)', async (exclusive) => {
    const options: OutboxQueueOptions = { owner: 'restarted', leaseMs: LEASE_MS, exclusive };
    const restarted = new OutboxQueue(state.db, options);
    const waiting = await enqueue(a, 'k1');
    const leased = await enqueue(a, 'k2');
    await a.lease(NOW, 1);
    await a.retry(waiting.id, NOW + 60_000, 'x', NOW);
    await a.lease(NOW, 10);
    await restarted.makeAllDue(NOW + 1);
    expect(ids(await restarted.lease(NOW + 1, 10))).toEqual(exclusive ? [waiting.id, leased.id] : [waiting.id]);
  });

  test('pendingOlderThan: rows of a kind enqueued before a time that no one else holds', async () => {
    const old = await enqueue(a, 'k1', {}, NOW);
    const oldLeased = await enqueue(a, 'k2', {}, NOW);
    await a.enqueue({ kind: 'other', orderingKey: 'k3', payload: {} }, NOW);
    await enqueue(a, 'k4', {}, NOW + 100);
    await b.lease(NOW, 10);
    await b.complete([old.id]);
    const mine = await enqueue(a, 'k5', {}, NOW, true);
    expect(ids(await a.pendingOlderThan('port-write', NOW + 50, NOW + 10))).toEqual([mine.id]);
    expect(ids(await b.pendingOlderThan('port-write', NOW + 50, NOW + 10))).toEqual([oldLeased.id]);
    expect(ids(await a.pendingOlderThan('port-write', NOW + 50, NOW + 10 + LEASE_MS))).toEqual([oldLeased.id, mine.id]);
  });

  test('two replicas leasing at once, several passes each: every row delivered once, in order per key', async () => {
    const KEYS = 7;
    const ROWS = 140;
    for (let i = 0; i < ROWS; i++) await enqueue(a, `key:${i % KEYS}`, { i });
    const delivered: Array<{ id: number; key: string }> = [];
    const inFlight = new Set<number>();
    const overlaps: number[] = [];
    const leasedBy = { a: 0, b: 0 };

    async function pass(name: 'a' | 'b', queue: OutboxQueue): Promise<void> {
      while (delivered.length < ROWS) {
        const batch = await queue.lease(Date.now(), 3);
        if (batch.length === 0) {
          await sleep(2);
          continue;
        }
        leasedBy[name] += batch.length;
        for (const delivery of batch) {
          if (inFlight.has(delivery.id)) overlaps.push(delivery.id);
          inFlight.add(delivery.id);
        }
        await sleep(Math.random() * 3);
        for (const delivery of batch) {
          // Recorded before its row is removed: the key's next row cannot be leased before this.
          delivered.push({ id: delivery.id, key: delivery.orderingKey });
          inFlight.delete(delivery.id);
        }
        await queue.complete(ids(batch));
      }
    }

    await Promise.all([pass('a', a), pass('a', a), pass('a', a), pass('b', b), pass('b', b), pass('b', b)]);
    expect(overlaps).toEqual([]);
    expect(new Set(delivered.map((d) => d.id)).size).toBe(ROWS);
    expect(delivered).toHaveLength(ROWS);
    for (let k = 0; k < KEYS; k++) {
      const order = delivered.filter((d) => d.key === `key:${k}`).map((d) => d.id);
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
    expect(leasedBy.a).toBeGreaterThan(0);
    expect(leasedBy.b).toBeGreaterThan(0);
    expect(await a.depth()).toBe(0);
  });
});
