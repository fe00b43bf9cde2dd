import type { Delivery, OutboxStore } from './outbox-store.ts';

/** What one attempt came to. */
export type DeliveryOutcome =
  { result: 'delivered' } | { result: 'retry'; error: string } | { result: 'failed'; error: string };

export interface DeliveryHandler {
  attempt(delivery: Delivery): Promise<DeliveryOutcome>;
  /** Called once when the delivery is given up, with the reason. */
  giveUp(delivery: Delivery, reason: string): void;
  maxAttempts: number;
}

export interface DeliveryWorkerOptions {
  concurrency: number;
  /** First retry delay; doubles with each attempt, with jitter, up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** At start, rows of these kinds pending for longer than the given milliseconds are given up instead of sent. */
  maxAgeMs?: Record<string, number>;
  onError?: (error: unknown) => void;
  /** A row was delivered (its time in the outbox is `now - delivery.createdAt`). */
  onDelivered?: (delivery: Delivery, now: number) => void;
}

/** How long delivered rows of immediate deliveries wait to be removed together. */
const SETTLED_FLUSH_MS = 100;

/**
 * Delivers the outbox: every due row, a bounded number at a time, one at a time per ordering key, retrying with
 * backoff. Rows stay in the table until delivered or given up, so a restart picks up where the last run stopped.
 */
export class OutboxWorker {
  private readonly store: OutboxStore;
  private readonly handlers: Record<string, DeliveryHandler>;
  private readonly options: DeliveryWorkerOptions;
  private readonly inFlight = new Map<number, Promise<void>>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Due rows read ahead of free slots, so the queue is not queried once per delivery. */
  private ready: Delivery[] = [];
  /** Delivered rows still in the table: removed together at the start of the next pass. */
  private settled: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private stopped = true;

  constructor(store: OutboxStore, handlers: Record<string, DeliveryHandler>, options: DeliveryWorkerOptions) {
    this.store = store;
    this.handlers = handlers;
    this.options = options;
  }

  start(): void {
    this.stopped = false;
    this.giveUpStale();
    this.store.makeAllDue(Date.now());
    this.kick();
  }

  /** Looks for due deliveries soon (after the current event-loop turn, so a burst of writes is one pass). */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /**
   * Delivers a row its caller just enqueued held (`OutboxStore.enqueue` with `heldMs`) and committed, without
   * waiting for a pass: the answer to a webhook can then say the write is done. Settles when this attempt did;
   * a failed attempt leaves the row to the passes, with backoff. A row whose ordering key has an earlier row
   * pending goes to the passes at once, so the order per key holds.
   */
  async deliverNow(delivery: Delivery): Promise<void> {
    // Delivered rows not removed yet do not count.
    const earlier = this.store
      .earlierPending(delivery.orderingKey, delivery.id)
      .filter((id) => !this.settled.includes(id));
    if (this.stopped || earlier.length > 0) {
      this.store.release(delivery.id, Date.now());
      this.kick();
      return;
    }
    const work = this.run(delivery).finally(() => this.inFlight.delete(delivery.id));
    this.inFlight.set(
      delivery.id,
      work.then(() => undefined),
    );
    // Delivered rows are removed together, a little later: a burst of webhooks is not a burst of commits. A row
    // to retry needs a pass scheduled for when it is due.
    if ((await work) === 'delivered') this.scheduleFlush();
    else this.kick();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushSettled();
    }, SETTLED_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Stops taking new deliveries and waits for those under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await Promise.allSettled(this.inFlight.values());
    this.flushSettled();
  }

  pending(): number {
    return this.store.pendingCount() - this.settled.length;
  }

  /** When the oldest row still to deliver was enqueued; undefined when none is. */
  oldestPendingAt(): number | undefined {
    return this.store.oldestPendingAt(this.settled);
  }

  private pump(): void {
    if (this.stopped) return;
    this.flushSettled();
    while (this.inFlight.size < this.options.concurrency) {
      if (this.ready.length === 0) {
        // Rows under way are still pending and come first in the answer: ask for enough to get past them.
        const limit = this.options.concurrency * 4 + this.inFlight.size;
        this.ready = this.store.due(Date.now(), limit).filter((d) => !this.inFlight.has(d.id));
        if (this.ready.length === 0) break;
      }
      const delivery = this.ready.shift()!;
      const work = this.run(delivery).finally(() => {
        this.inFlight.delete(delivery.id);
        this.kick();
      });
      this.inFlight.set(
        delivery.id,
        work.then(() => undefined),
      );
    }
    if (this.inFlight.size === 0) this.scheduleNextDue();
  }

  private flushSettled(): void {
    const ids = this.settled;
    this.settled = [];
    this.store.delivered(ids);
  }

  private scheduleNextDue(): void {
    clearTimeout(this.timer);
    const next = this.store.nextDueAt();
    if (next === undefined) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - Date.now()) + 5);
    this.timer.unref();
  }

  private async run(delivery: Delivery): Promise<DeliveryOutcome['result']> {
    const handler = this.handlers[delivery.kind];
    if (!handler) {
      this.store.failed(delivery.id, `no handler for deliveries of kind "${delivery.kind}"`);
      return 'failed';
    }
    let outcome: DeliveryOutcome;
    try {
      outcome = await handler.attempt(delivery);
    } catch (error) {
      this.options.onError?.(error);
      outcome = { result: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    if (this.stopped && outcome.result === 'retry') return outcome.result;
    if (outcome.result === 'delivered') {
      this.settled.push(delivery.id);
      this.options.onDelivered?.(delivery, Date.now());
    } else if (outcome.result === 'failed' || delivery.attempts + 1 >= handler.maxAttempts) {
      const reason =
        outcome.result === 'failed'
          ? outcome.error
          : `${outcome.error} (gave up after ${delivery.attempts + 1} attempts)`;
      this.store.failed(delivery.id, reason);
      handler.giveUp(delivery, reason);
    } else {
      this.store.retryAt(delivery.id, Date.now() + this.backoff(delivery.attempts), outcome.error);
    }
    return outcome.result;
  }

  /** Exponential backoff with full jitter in the upper half, so retries of many rows spread out. */
  private backoff(attempts: number): number {
    const ceiling = Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** attempts);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private giveUpStale(): void {
    for (const [kind, maxAgeMs] of Object.entries(this.options.maxAgeMs ?? {})) {
      for (const delivery of this.store.pendingOlderThan(kind, Date.now() - maxAgeMs)) {
        const age = formatDuration(Date.now() - delivery.createdAt);
        const reason = `it was not delivered before the process stopped, and is now ${age} old (the limit is ${formatDuration(maxAgeMs)})`;
        this.store.failed(delivery.id, reason);
        this.handlers[kind]?.giveUp(delivery, reason);
      }
    }
  }
}

function formatDuration(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
