import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import {
  type Delivery,
  type DeliveryOutcome,
  OUTBOX_SCHEMA,
  OutboxStore,
  OutboxWorker,
} from '../../src/outbox/index.ts';
import { openDatabase } from '../../src/sqlite/index.ts';

const HELD_MS = 60_000;

let dataDir: string;
let db: DatabaseSync;
let store: OutboxStore;
let worker: OutboxWorker | undefined;
/** Every attempt, in the order the handler saw them: the payload's name. */
let attempts: string[];
/** What the handler answers next, by name; delivered when absent. */
let answers: Map<string, DeliveryOutcome[]>;
/** Attempts that wait until released, by name. */
let gates: Map<string, Promise<void>>;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'wharf-outbox-'));
  db = openDatabase(join(dataDir, 'outbox.sqlite'), [OUTBOX_SCHEMA]);
  store = new OutboxStore(db);
  attempts = [];
  answers = new Map();
  gates = new Map();
});

afterEach(async () => {
  await worker?.stop();
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function startWorker(): OutboxWorker {
  worker = new OutboxWorker(
    store,
    {
      test: {
        maxAttempts: 5,
        async attempt(delivery: Delivery): Promise<DeliveryOutcome> {
          const { name } = delivery.payload as { name: string };
          attempts.push(name);
          await gates.get(name);
          return answers.get(name)?.shift() ?? { result: 'delivered' };
        },
        giveUp() {},
      },
    },
    { concurrency: 4, baseBackoffMs: 20, maxBackoffMs: 40 },
  );
  void worker.start();
  return worker;
}

/** Enqueues held, as a caller that delivers the row itself does inside its transaction. */
const enqueueHeld = (key: string, name: string): Delivery => store.enqueue('test', key, { name }, Date.now(), HELD_MS);

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('OutboxWorker.deliverNow', () => {
  test('delivers a held row at once, and no pass takes it meanwhile', async () => {
    const running = startWorker();
    let open!: () => void;
    gates.set('now', new Promise<void>((resolve) => (open = resolve)));
    const delivery = enqueueHeld('run:1', 'now');
    const delivering = running.deliverNow(delivery);
    // Passes run while the attempt waits: the row is pending, held, and in flight.
    running.kick();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(attempts).toEqual(['now']);
    expect(running.pending()).toBe(1);
    open();
    await delivering;
    expect(attempts).toEqual(['now']);
    expect(running.pending()).toBe(0);
    await until(() => store.depth() === 0);
  });

  test('a row held while the process stops is delivered by the next one', async () => {
    enqueueHeld('run:2', 'left behind');
    // No deliverNow: the process stopped between the commit and the attempt.
    startWorker();
    await until(() => attempts.length === 1);
    expect(attempts).toEqual(['left behind']);
    await until(() => store.depth() === 0);
  });

  test('a failed attempt is left to the passes, which retry it with backoff', async () => {
    const running = startWorker();
    answers.set('flaky', [{ result: 'retry', error: 'Port answered 503' }]);
    await running.deliverNow(enqueueHeld('run:3', 'flaky'));
    expect(attempts).toEqual(['flaky']);
    expect(store.depth()).toBe(1);
    await until(() => attempts.length === 2);
    await until(() => store.depth() === 0);
    expect(attempts).toEqual(['flaky', 'flaky']);
  });

  test('a row behind an earlier pending row of its key waits for it: the order per key holds', async () => {
    const running = startWorker();
    answers.set('first', [{ result: 'retry', error: 'Port answered 503' }]);
    await running.deliverNow(enqueueHeld('run:4', 'first'));
    // 'first' waits for its retry; 'second' must not overtake it.
    await running.deliverNow(enqueueHeld('run:4', 'second'));
    expect(attempts).toEqual(['first']);
    await until(() => store.depth() === 0);
    expect(attempts).toEqual(['first', 'first', 'second']);
  });

  test('a row whose earlier row of the key was delivered (not yet removed) goes at once too', async () => {
    const running = startWorker();
    await running.deliverNow(enqueueHeld('run:5', 'done'));
    expect(store.depth()).toBe(1);
    await running.deliverNow(enqueueHeld('run:5', 'next'));
    // Settled when deliverNow settled: it was attempted inline, not handed to a pass.
    expect(attempts).toEqual(['done', 'next']);
    await until(() => store.depth() === 0);
  });

  test('rows of other keys are delivered side by side', async () => {
    const running = startWorker();
    const rows = Array.from({ length: 20 }, (_, i) => enqueueHeld(`run:many-${i}`, `row ${i}`));
    await Promise.all(rows.map((row) => running.deliverNow(row)));
    expect(attempts).toHaveLength(20);
    expect(new Set(attempts).size).toBe(20);
    await until(() => store.depth() === 0);
  });
});
