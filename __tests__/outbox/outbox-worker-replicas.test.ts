import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { type AppState, OutboxQueue } from '../../app/state/index.ts';
import {
  type Delivery,
  type DeliveryOutcome,
  type DeliveryQueue,
  type DeliveryWorkerOptions,
  OutboxWorker,
} from '../../src/outbox/index.ts';
import { DatabaseUnavailableError } from '../../src/sql/index.ts';
import { ENGINES } from '../sql/engines.ts';
import { twoReplicas } from '../app/state/state-engines.ts';

const LEASE_MS = 500;
const KIND = 'port-write';

/** One attempt as a handler saw it: which worker, which row, and when it started and ended. */
interface Attempt {
  worker: string;
  id: number;
  key: string;
  startedAt: number;
  endedAt?: number;
}

/** A queue that fails as a database that cannot be reached does, from `kill()` on (a replica cut off, or dead). */
function dying(queue: DeliveryQueue): { queue: DeliveryQueue; kill(): void } {
  let killed = false;
  const proxy = new Proxy(queue, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        killed
          ? Promise.reject(new DatabaseUnavailableError('the database cannot be reached', { cause: undefined }))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return { queue: proxy, kill: () => (killed = true) };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe.each(ENGINES)('OutboxWorker on OutboxQueue, two replicas on $dialect', (engine) => {
  let state: AppState;
  /** The two replicas' queues: one database, leases that run out after LEASE_MS. */
  let queueA: OutboxQueue;
  let queueB: OutboxQueue;
  let attempts: Attempt[];
  /** Attempts that wait until opened, by row id; they then answer what the gate resolves to. */
  let gates: Map<number, Promise<DeliveryOutcome>>;
  /** Every gate's opener: the test's end opens those left shut, so that the workers can stop. */
  let openers: Array<(outcome: DeliveryOutcome) => void>;
  let errors: Record<string, unknown[]>;
  let workers: OutboxWorker[];

  beforeAll(() => engine.setUp('outbox-worker'));
  afterAll(() => engine.tearDown());
  beforeEach(async () => {
    const replicas = await twoReplicas(engine);
    state = replicas.a;
    // Not exclusive on SQLite either: each replica's start must leave the other's leases alone.
    queueA = new OutboxQueue(replicas.a.db, { owner: 'replica-a', leaseMs: LEASE_MS, exclusive: false });
    queueB = new OutboxQueue(replicas.b.db, { owner: 'replica-b', leaseMs: LEASE_MS, exclusive: false });
    attempts = [];
    gates = new Map();
    openers = [];
    errors = { a: [], b: [] };
    workers = [];
  });
  afterEach(async () => {
    for (const open of openers) open({ result: 'retry', error: 'test over' });
    await Promise.all(workers.map((worker) => worker.stop()));
  });

  function startWorker(
    name: 'a' | 'b',
    queue: DeliveryQueue,
    options: Partial<DeliveryWorkerOptions> = {},
    attemptMs = () => 0,
  ): OutboxWorker {
    const worker = new OutboxWorker(
      queue,
      {
        [KIND]: {
          maxAttempts: 5,
          async attempt(delivery: Delivery): Promise<DeliveryOutcome> {
            const attempt: Attempt = {
              worker: name,
              id: delivery.id,
              key: delivery.orderingKey,
              startedAt: Date.now(),
            };
            attempts.push(attempt);
            const wait = attemptMs();
            if (wait > 0) await sleep(wait);
            const outcome = (await gates.get(delivery.id)) ?? { result: 'delivered' };
            attempt.endedAt = Date.now();
            return outcome;
          },
          giveUp() {},
        },
      },
      {
        concurrency: 4,
        baseBackoffMs: 20,
        maxBackoffMs: 40,
        pollMs: 20,
        onError: (error) => errors[name]!.push(error),
        ...options,
      },
    );
    workers.push(worker);
    void worker.start();
    return worker;
  }

  const enqueue = (orderingKey: string, payload: unknown = {}, hold = false, queue = queueA) =>
    queue.enqueue({ kind: KIND, orderingKey, payload, hold }, Date.now());
  const gate = (id: number): ((outcome?: DeliveryOutcome) => void) => {
    let open!: (outcome: DeliveryOutcome) => void;
    gates.set(id, new Promise<DeliveryOutcome>((resolve) => (open = resolve)));
    openers.push(open);
    return (outcome = { result: 'delivered' }) => open(outcome);
  };
  const attemptsOf = (id: number) => attempts.filter((attempt) => attempt.id === id);
  const depth = () => state.outbox.depth();

  test('300 rows over 30 keys: each delivered once, each key in id order, by both replicas', async () => {
    const ROWS = 300;
    const KEYS = 30;
    const rows = await state.transaction(async (tx) => {
      const enqueued: Delivery[] = [];
      for (let i = 0; i < ROWS; i++) {
        enqueued.push(
          await queueA.enqueue({ kind: KIND, orderingKey: `key:${i % KEYS}`, payload: { i } }, Date.now(), tx),
        );
      }
      return enqueued;
    });
    const a = startWorker('a', queueA, {}, () => Math.random() * 3);
    const b = startWorker('b', queueB, {}, () => Math.random() * 3);
    await until(async () => (await depth()) === 0, 30_000);
    expect(attempts).toHaveLength(ROWS);
    expect(new Set(attempts.map((attempt) => attempt.id))).toEqual(new Set(rows.map((row) => row.id)));
    for (let k = 0; k < KEYS; k++) {
      const ofKey = attempts.filter((attempt) => attempt.key === `key:${k}`);
      const ids = ofKey.map((attempt) => attempt.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      // One at a time: each attempt of a key starts after the one before ended.
      for (let i = 1; i < ofKey.length; i++) expect(ofKey[i]!.startedAt).toBeGreaterThanOrEqual(ofKey[i - 1]!.endedAt!);
    }
    expect(attempts.filter((attempt) => attempt.worker === 'a').length).toBeGreaterThan(0);
    expect(attempts.filter((attempt) => attempt.worker === 'b').length).toBeGreaterThan(0);
    expect(await a.pendingNow()).toBe(0);
    expect(await b.pendingNow()).toBe(0);
    expect(errors).toEqual({ a: [], b: [] });
  });

  test('the rows of a replica that died holding them are delivered by the other once the lease ran out', async () => {
    const doomed = dying(queueA);
    const first: Delivery[] = [];
    for (const key of ['k1', 'k2', 'k3']) first.push(await enqueue(key));
    const later: Delivery[] = [];
    for (const key of ['k1', 'k2', 'k3']) later.push(await enqueue(key));
    for (const row of first) gate(row.id);
    startWorker('a', doomed.queue);
    await until(() => attempts.length === 3);
    const leasedAt = Math.min(...attempts.map((attempt) => attempt.startedAt));
    // a dies mid-attempt: it can neither renew its leases nor record anything.
    doomed.kill();
    for (const row of first) gates.delete(row.id);
    startWorker('b', queueB);
    await until(async () => (await depth()) === 0);
    const byB = attempts.filter((attempt) => attempt.worker === 'b');
    expect(byB.map((attempt) => attempt.id).sort((x, y) => x - y)).toEqual(
      [...first, ...later].map((row) => row.id).sort((x, y) => x - y),
    );
    // Not before the lease a took ran out; each key's later row after its first.
    for (const row of first) expect(attemptsOf(row.id)[1]!.startedAt).toBeGreaterThanOrEqual(leasedAt + LEASE_MS - 50);
    for (const [i, row] of later.entries()) {
      expect(attemptsOf(row.id)[0]!.startedAt).toBeGreaterThanOrEqual(attemptsOf(first[i]!.id)[1]!.endedAt!);
    }
    expect(errors.b).toEqual([]);
    // a went on trying: its renewals and passes failed, and said so.
    expect(errors.a!.length).toBeGreaterThan(0);
    expect(errors.a!.every((error) => error instanceof DatabaseUnavailableError)).toBe(true);
  });

  test('deliverNow delivers a held row at once, and no pass of either replica takes it meanwhile', async () => {
    const a = startWorker('a', queueA);
    startWorker('b', queueB);
    const row = await enqueue('run:1', { n: 1 }, true);
    const open = gate(row.id);
    const delivering = a.deliverNow(row);
    await sleep(100);
    expect(attempts.map((attempt) => [attempt.worker, attempt.id])).toEqual([['a', row.id]]);
    open();
    await delivering;
    expect(attempts).toHaveLength(1);
    expect(await a.pendingNow()).toBe(0);
    await until(async () => (await depth()) === 0);
  });

  test('deliverNow of a row behind an earlier pending row of its key releases it to the passes', async () => {
    startWorker('b', queueB);
    const earlier = await enqueue('run:2', { n: 1 });
    const openEarlier = gate(earlier.id);
    await until(() => attempts.length === 1);
    const a = startWorker('a', queueA);
    const held = await enqueue('run:2', { n: 2 }, true);
    await a.deliverNow(held);
    // Handed to the passes: not attempted while the earlier row is under way.
    expect(attempts.map((attempt) => attempt.id)).toEqual([earlier.id]);
    await sleep(50);
    expect(attempts.map((attempt) => attempt.id)).toEqual([earlier.id]);
    openEarlier();
    await until(async () => (await depth()) === 0);
    expect(attempts.map((attempt) => attempt.id)).toEqual([earlier.id, held.id]);
    expect(attemptsOf(held.id)[0]!.startedAt).toBeGreaterThanOrEqual(attemptsOf(earlier.id)[0]!.endedAt!);
  });

  test('an attempt slower than the lease keeps its row by renewal: delivered once', async () => {
    const slow = await enqueue('run:slow');
    const openSlow = gate(slow.id);
    // One slot: a cannot take another row while the slow one is under way.
    startWorker('a', queueA, { concurrency: 1 });
    await until(() => attempts.length === 1);
    startWorker('b', queueB);
    // b is at work meanwhile: it delivers another key's row, and polls every 20 ms.
    const other = await enqueue('run:other');
    await until(() => attemptsOf(other.id).length === 1);
    await sleep(LEASE_MS * 3);
    openSlow();
    await until(async () => (await depth()) === 0);
    expect(attemptsOf(slow.id).map((attempt) => attempt.worker)).toEqual(['a']);
    expect(attemptsOf(other.id).map((attempt) => attempt.worker)).toEqual(['b']);
    expect(errors).toEqual({ a: [], b: [] });
  });

  test('a pass whose query fails calls onError, and the passes go on after a backoff', async () => {
    let failures = 3;
    const flaky = new Proxy(queueA, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'lease' || typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          failures-- > 0
            ? Promise.reject(new DatabaseUnavailableError('connection refused', { cause: undefined }))
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
    const rows = [await enqueue('k1'), await enqueue('k2')];
    startWorker('a', flaky);
    await until(async () => (await depth()) === 0);
    expect(errors.a!).toHaveLength(3);
    expect(errors.a!.every((error) => error instanceof DatabaseUnavailableError)).toBe(true);
    expect(attempts.map((attempt) => attempt.id).sort((x, y) => x - y)).toEqual(
      rows.map((row) => row.id).sort((x, y) => x - y),
    );
  });

  test('stop waits for the attempts under way and removes what they delivered; the rest stays pending', async () => {
    const delivered = await enqueue('k1');
    const retried = await enqueue('k2');
    const openDelivered = gate(delivered.id);
    const openRetried = gate(retried.id);
    const a = startWorker('a', queueA);
    await until(() => attempts.length === 2);
    const stopping = a.stop();
    openDelivered();
    openRetried({ result: 'retry', error: 'HTTP 503' });
    await stopping;
    expect(await depth()).toBe(1);
    gates.delete(retried.id);
    // The unfinished row is not counted as an attempt; b takes it once a's lease ran out.
    startWorker('b', queueB);
    await until(async () => (await depth()) === 0);
    expect(attempts.map((attempt) => [attempt.worker, attempt.id])).toEqual([
      ['a', delivered.id],
      ['a', retried.id],
      ['b', retried.id],
    ]);
  });
});
