import { backoffDelayMs } from '../retry/index.ts';
import type { Delivery } from './outbox-store.ts';

/** What one attempt came to. */
export type DeliveryOutcome =
  { result: 'delivered' } | { result: 'retry'; error: string } | { result: 'failed'; error: string };

export interface DeliveryHandler {
  /** May call the queue meanwhile (its `updatePayload`, say): the row is this process's until the attempt ends. */
  attempt(delivery: Delivery): Promise<DeliveryOutcome>;
  /** Called once when the delivery is given up, with the reason. */
  giveUp(delivery: Delivery, reason: string): void;
  maxAttempts: number;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * The queue an OutboxWorker delivers: the App's OutboxQueue (app/state, several replicas on one database, leases
 * that run out) or the catalog's OutboxStore (one process, synchronous). Each method may answer a value or a
 * Promise. A leased row is this process's until it completes, retries, gives up or releases it, or the lease
 * runs out (`leaseMs` after it was leased or last renewed).
 */
export interface DeliveryQueue {
  /** How long a lease lasts when leases run out (replicas share the queue); absent when they never do. */
  readonly leaseMs?: number | undefined;
  /** Leases at most `limit` due rows nobody holds, in id order, each the first pending row of its ordering key. */
  lease(now: number, limit: number): MaybePromise<Delivery[]>;
  /** Extends this process's leases of `ids`; answers the ids it still held. */
  renew(ids: readonly number[], now: number): MaybePromise<number[]>;
  /** A held row becomes due now and free, for the passes (of any replica) to deliver in order. */
  release(id: number, now: number): MaybePromise<void>;
  /** Removes delivered rows. */
  complete(ids: readonly number[]): MaybePromise<void>;
  /** Records a failed attempt, tried again at `at`; false when another process holds the row now. */
  retry(id: number, at: number, error: string, now: number): MaybePromise<boolean>;
  /** Keeps the row as failed with `error`; false when another process holds the row now. */
  giveUp(id: number, error: string, now: number): MaybePromise<boolean>;
  /** Everything pending becomes due now (at start: waiting out an old backoff helps nobody). */
  makeAllDue(now: number): MaybePromise<void>;
  pendingOlderThan(kind: string, createdBefore: number, now: number): MaybePromise<Delivery[]>;
  /** How many rows are pending, leased or not. */
  depth(): MaybePromise<number>;
  /** When the oldest pending row was enqueued, leaving out `skip`. */
  oldestPendingAt(skip?: readonly number[]): MaybePromise<number | undefined>;
  /** When a pass may next find a row to lease; undefined when nothing is pending. */
  nextDueAt(): MaybePromise<number | undefined>;
  /** Rows of `orderingKey` enqueued before `id` and still pending. */
  earlierPending(orderingKey: string, id: number): MaybePromise<number[]>;
}

export interface DeliveryWorkerOptions {
  concurrency: number;
  /** First retry delay; doubles with each attempt, up to maxBackoffMs, in the upper half of that at random. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** At start, rows of these kinds pending for longer than the given milliseconds are given up instead of sent. */
  maxAgeMs?: Record<string, number>;
  /**
   * How often a pass looks for rows nobody told this process about (other replicas' enqueues, leases that ran
   * out), and so how often, at least, the gauges of a queue that answers asynchronously are read. 1000 ms by
   * default.
   */
  pollMs?: number;
  /** How often the leases of rows under way are renewed: a third of the queue's leaseMs by default. */
  renewEveryMs?: number;
  /** An attempt threw, or the queue failed (its database unreachable): the worker goes on, and tries again. */
  onError?: (error: unknown) => void;
  /** A row was delivered (its time in the outbox is `now - delivery.createdAt`). */
  onDelivered?: (delivery: Delivery, now: number) => void;
}

const DEFAULT_POLL_MS = 1000;
/** How often, at most, the gauges of a queue that answers asynchronously are read. */
const GAUGES_EVERY_MS = 100;
/** The longest wait before a pass that failed (the database unreachable) is tried again. */
const MAX_PASS_BACKOFF_MS = 30_000;

type AttemptResult = DeliveryOutcome['result'];

const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';

/**
 * Delivers an outbox: leases due rows, a bounded number at a time, one at a time per ordering key, and records each
 * attempt's outcome (removed, retried with backoff, given up). Rows stay in the queue until delivered or given up,
 * so a restart, or another replica once the lease ran out, picks up where a process stopped. Passes run when
 * kicked (a local enqueue), when the next row is due, and every `pollMs` (rows other replicas enqueued or left).
 */
export class OutboxWorker {
  private readonly queue: DeliveryQueue;
  private readonly handlers: Record<string, DeliveryHandler>;
  private readonly options: DeliveryWorkerOptions;
  private readonly pollMs: number;
  private readonly renewEveryMs: number | undefined;
  /** Attempts under way, by row id; their rows' leases are renewed. */
  private readonly inFlight = new Map<number, Promise<void>>();
  /** deliverNow calls still finding out whether they may attempt: stop waits for them. */
  private readonly handing = new Set<Promise<void>>();
  /** Delivered rows still in the queue: removed together in the next event-loop turn. */
  private settled: number[] = [];
  /** Delivered rows being removed now. */
  private readonly completing = new Set<number>();
  private flushing: Promise<void> | undefined;
  private flushScheduled = false;
  private passing: Promise<void> | undefined;
  private passScheduled = false;
  private passAgain = false;
  /** The start's steps (makeAllDue, stale rows given up) are done. */
  private prepared = false;
  /** Passes that failed in a row: the next waits longer. */
  private failures = 0;
  /** How long the last pass waited to look again at rows due but held back (see scheduleNextDue). */
  private blockedDelay = 0;
  private renewing = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private dueTimer: NodeJS.Timeout | undefined;
  private backoffTimer: NodeJS.Timeout | undefined;
  /** The queue answers depth and oldestPendingAt synchronously: the gauges ask it each time. */
  private gaugesLive = false;
  private cachedDepth = 0;
  private cachedOldestAt: number | undefined;
  private gaugesReadAt = 0;
  private gaugesReading = false;
  /** Something changed since the gauges were last read. */
  private gaugesStale = false;
  private gaugesTimer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(queue: DeliveryQueue, handlers: Record<string, DeliveryHandler>, options: DeliveryWorkerOptions) {
    this.queue = queue;
    // Kept by reference: handlers added to the record later are used from then on.
    this.handlers = handlers;
    this.options = options;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.renewEveryMs = options.renewEveryMs ?? (queue.leaseMs === undefined ? undefined : queue.leaseMs / 3);
  }

  /**
   * Starts delivering: pending rows become due now and rows older than maxAgeMs are given up, then passes run.
   * Settles once that first pass did (it never rejects: a failure goes to onError and the pass is tried again).
   */
  start(): Promise<void> {
    if (!this.stopped) return this.passing ?? Promise.resolve();
    this.stopped = false;
    this.prepared = false;
    this.failures = 0;
    this.readGaugesAtStart();
    this.gaugesChanged();
    this.pollTimer = setInterval(() => this.kick(), this.pollMs);
    this.pollTimer.unref();
    if (this.renewEveryMs !== undefined) {
      this.renewTimer = setInterval(() => void this.renewLeases(), this.renewEveryMs);
      this.renewTimer.unref();
    }
    this.runPass();
    return this.passing ?? Promise.resolve();
  }

  /** Looks for due deliveries soon (after the current event-loop turn, so a burst of writes is one pass). */
  kick(): void {
    if (this.stopped) return;
    this.gaugesChanged();
    if (this.passing) {
      this.passAgain = true;
      return;
    }
    // After a failed pass, the next waits for its backoff.
    if (this.passScheduled || this.backoffTimer) return;
    this.passScheduled = true;
    setImmediate(() => {
      this.passScheduled = false;
      this.runPass();
    });
  }

  /**
   * Delivers a row its caller just enqueued held (leased to this process: `hold` on the App's queue, `heldMs` on
   * the catalog's) and committed, without waiting for a pass: the answer to a webhook can then say the write is
   * done. Settles when this attempt did, and never rejects; a failed attempt leaves the row to the passes, with
   * backoff. A row whose ordering key has an earlier row pending is released to the passes at once, so the order
   * per key holds whichever replica delivers.
   */
  deliverNow(delivery: Delivery): Promise<void> {
    const handing = this.handOver(delivery);
    this.handing.add(handing);
    return handing.finally(() => this.handing.delete(handing));
  }

  /** Stops passes and polling, waits for the attempts under way, and removes the rows they delivered. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.dueTimer);
    clearTimeout(this.backoffTimer);
    clearTimeout(this.gaugesTimer);
    this.pollTimer = this.dueTimer = this.backoffTimer = this.gaugesTimer = undefined;
    await this.passing;
    await Promise.allSettled([...this.handing]);
    // Leases are renewed until the attempts are over: a slow one is not taken over meanwhile.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    try {
      await this.flush();
    } catch (error) {
      this.report(error);
    }
  }

  /**
   * Rows still to deliver (pending, less those delivered and not removed yet), for a gauge: the queue's answer when
   * it answers synchronously, else the last one read (read again after every pass, every pollMs at least, but not
   * more often than every 100 ms).
   */
  pending(): number {
    if (this.gaugesLive) {
      const depth = this.queue.depth();
      if (!isPromise(depth)) return Math.max(0, depth - this.deliveredCount());
    }
    return this.cachedDepth;
  }

  /** When the oldest row still to deliver was enqueued, undefined when none is; read as pending() is. */
  oldestPendingAt(): number | undefined {
    if (this.gaugesLive) {
      const oldest = this.queue.oldestPendingAt(this.deliveredIds());
      if (!isPromise(oldest)) return oldest;
    }
    return this.cachedOldestAt;
  }

  /** Rows still to deliver, asked of the queue now (pending() may be up to pollMs old). */
  async pendingNow(): Promise<number> {
    const depth = await this.queue.depth();
    const pending = Math.max(0, depth - this.deliveredCount());
    if (!this.gaugesLive) this.cachedDepth = pending;
    return pending;
  }

  private runPass(): void {
    if (this.stopped || this.passing) return;
    this.passing = this.pass().finally(() => {
      this.passing = undefined;
      if (this.passAgain) {
        this.passAgain = false;
        this.kick();
      }
    });
  }

  /** One pass: the start's steps once, removal of delivered rows, as many leases as there are free slots. */
  private async pass(): Promise<void> {
    try {
      if (!this.prepared) {
        await this.prepare();
        this.prepared = true;
      }
      await this.flush();
      const free = this.options.concurrency - this.inFlight.size;
      let leased = 0;
      if (free > 0) {
        const deliveries = await this.queue.lease(Date.now(), free);
        leased = deliveries.length;
        if (leased > 0) this.blockedDelay = 0;
        const leftOver: Delivery[] = [];
        for (const delivery of deliveries) {
          // Already under way here (an attempt whose lease ran out and was leased again): it records its outcome.
          if (this.inFlight.has(delivery.id) || this.isDelivered(delivery.id)) continue;
          if (this.stopped) leftOver.push(delivery);
          else void this.track(delivery);
        }
        // Stopped while leasing: the rows go back to the passes, of this process's next start or another replica.
        for (const delivery of leftOver) await this.queue.release(delivery.id, Date.now());
      }
      // Slots left free: nothing more is due now; a pass runs when the next row is.
      if (!this.stopped && free > 0 && leased < free) await this.scheduleNextDue();
      this.failures = 0;
    } catch (error) {
      this.report(error);
      this.failures += 1;
      if (this.stopped) return;
      // No jitter: these are one process's passes, with nothing to spread out among them.
      const delay = backoffDelayMs({ baseMs: this.pollMs, maxMs: MAX_PASS_BACKOFF_MS, jitter: 0 }, this.failures);
      clearTimeout(this.backoffTimer);
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = undefined;
        this.kick();
      }, delay);
      this.backoffTimer.unref();
    }
  }

  /** At start: backoffs end, and rows too old to send are given up. */
  private async prepare(): Promise<void> {
    // First, so that on a queue this process has alone the leases of the previous one are freed before the
    // stale rows are looked for.
    await this.queue.makeAllDue(Date.now());
    for (const [kind, maxAgeMs] of Object.entries(this.options.maxAgeMs ?? {})) {
      const now = Date.now();
      for (const delivery of await this.queue.pendingOlderThan(kind, now - maxAgeMs, now)) {
        const age = formatDuration(Date.now() - delivery.createdAt);
        const reason = `it was not delivered before the process stopped, and is now ${age} old (the limit is ${formatDuration(maxAgeMs)})`;
        if (await this.queue.giveUp(delivery.id, reason, Date.now())) {
          this.callGiveUp(this.handlers[kind], delivery, reason);
        }
      }
    }
  }

  private async handOver(delivery: Delivery): Promise<void> {
    // A row was enqueued.
    if (!this.stopped) this.gaugesChanged();
    try {
      let earlier: number[] = [];
      if (!this.stopped) {
        // Delivered rows not removed yet do not count, whether they were before the question or after.
        const deliveredBefore = new Set(this.deliveredIds());
        const pending = await this.queue.earlierPending(delivery.orderingKey, delivery.id);
        earlier = pending.filter((id) => !deliveredBefore.has(id) && !this.isDelivered(id));
      }
      if (this.stopped || earlier.length > 0) {
        await this.queue.release(delivery.id, Date.now());
        this.kick();
        return;
      }
    } catch (error) {
      // The row stays held: a pass takes it once its lease ran out (or at the next start).
      this.report(error);
      return;
    }
    if (this.inFlight.has(delivery.id) || this.isDelivered(delivery.id)) return;
    await this.track(delivery);
  }

  private track(delivery: Delivery): Promise<AttemptResult> {
    const work = this.attempt(delivery).finally(() => {
      this.inFlight.delete(delivery.id);
      this.kick();
    });
    this.inFlight.set(
      delivery.id,
      work.then(() => undefined),
    );
    return work;
  }

  /** One attempt and its outcome recorded; never rejects. */
  private async attempt(delivery: Delivery): Promise<AttemptResult> {
    const handler = this.handlers[delivery.kind];
    if (!handler) {
      await this.record(() =>
        this.queue.giveUp(delivery.id, `no handler for deliveries of kind "${delivery.kind}"`, Date.now()),
      );
      return 'failed';
    }
    let outcome: DeliveryOutcome;
    try {
      outcome = await handler.attempt(delivery);
    } catch (error) {
      this.report(error);
      outcome = { result: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.result === 'delivered') {
      this.settled.push(delivery.id);
      this.scheduleFlush();
      try {
        this.options.onDelivered?.(delivery, Date.now());
      } catch (error) {
        this.report(error);
      }
      return 'delivered';
    }
    // Stopping: the attempt does not count; the row waits for its lease to run out, or the next start.
    if (this.stopped && outcome.result === 'retry') return 'retry';
    if (outcome.result === 'failed' || delivery.attempts + 1 >= handler.maxAttempts) {
      const reason =
        outcome.result === 'failed'
          ? outcome.error
          : `${outcome.error} (gave up after ${delivery.attempts + 1} attempts)`;
      await this.record(async () => {
        if (await this.queue.giveUp(delivery.id, reason, Date.now())) this.callGiveUp(handler, delivery, reason);
      });
    } else {
      const now = Date.now();
      await this.record(() => this.queue.retry(delivery.id, now + this.backoff(delivery.attempts), outcome.error, now));
    }
    return outcome.result;
  }

  /** Records an outcome; a failure leaves the row leased, for a pass to take once the lease ran out. */
  private async record(write: () => MaybePromise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.report(error);
    }
  }

  private callGiveUp(handler: DeliveryHandler | undefined, delivery: Delivery, reason: string): void {
    try {
      handler?.giveUp(delivery, reason);
    } catch (error) {
      this.report(error);
    }
  }

  /**
   * Delivered rows are removed in the next event-loop turn, those of every attempt that ended meanwhile together:
   * until then, a process killed would have them delivered again (by another replica once the lease ran out).
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      // The next rows of their keys can be leased now. A failure: the rows are removed by the next pass.
      this.flush().then(
        () => this.kick(),
        (error: unknown) => this.report(error),
      );
    });
  }

  /** Removes the delivered rows, one removal at a time; throws when the queue failed (the rows wait for the next). */
  private async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.settled.length === 0) return;
    const ids = this.settled;
    this.settled = [];
    for (const id of ids) this.completing.add(id);
    let failure: { error: unknown } | undefined;
    this.flushing = (async () => {
      try {
        await this.queue.complete(ids);
      } catch (error) {
        failure = { error };
        this.settled.unshift(...ids);
      } finally {
        for (const id of ids) this.completing.delete(id);
        this.flushing = undefined;
      }
    })();
    await this.flushing;
    if (failure) throw failure.error;
  }

  private async renewLeases(): Promise<void> {
    if (this.renewing) return;
    const ids = [...this.inFlight.keys(), ...this.deliveredIds()];
    if (ids.length === 0) return;
    this.renewing = true;
    try {
      await this.queue.renew(ids, Date.now());
    } catch (error) {
      this.report(error);
    } finally {
      this.renewing = false;
    }
  }

  private async scheduleNextDue(): Promise<void> {
    const next = await this.queue.nextDueAt();
    clearTimeout(this.dueTimer);
    this.dueTimer = undefined;
    if (next === undefined || this.stopped) return;
    const wait = next - Date.now();
    // Due already, yet not leased: held back by an earlier row of its key, under way (its end kicks a pass) or
    // waiting for its retry (which the answer does not tell), or leasable only once another replica's row ends.
    // Looked at again soon, then less and less often, up to pollMs.
    this.blockedDelay = wait > 0 ? 0 : Math.min(this.pollMs, Math.max(5, this.blockedDelay * 2));
    this.dueTimer = setTimeout(() => this.kick(), wait > 0 ? wait + 5 : this.blockedDelay);
    this.dueTimer.unref();
  }

  /** Finds out whether the queue answers the gauges synchronously; if not, they are read at once. */
  private readGaugesAtStart(): void {
    try {
      const depth = this.queue.depth();
      this.gaugesLive = !isPromise(depth);
      // A failure shows in the first pass.
      if (isPromise(depth)) depth.then(undefined, () => undefined);
    } catch (error) {
      this.report(error);
    }
  }

  /** The queue may have changed (a pass is due, or an attempt ended): its gauges are read again soon. */
  private gaugesChanged(): void {
    if (this.gaugesLive) return;
    this.gaugesStale = true;
    if (this.gaugesTimer || this.gaugesReading) return;
    this.gaugesTimer = setTimeout(
      () => {
        this.gaugesTimer = undefined;
        void this.readGauges();
      },
      Math.max(0, this.gaugesReadAt + GAUGES_EVERY_MS - Date.now()),
    );
    this.gaugesTimer.unref();
  }

  /** Reads depth and oldestPendingAt for the gauges; a failure keeps the last values (the passes report it). */
  private async readGauges(): Promise<void> {
    if (this.stopped) return;
    this.gaugesReading = true;
    this.gaugesStale = false;
    this.gaugesReadAt = Date.now();
    try {
      const [depth, oldestAt] = await Promise.all([
        this.queue.depth(),
        this.queue.oldestPendingAt(this.deliveredIds()),
      ]);
      this.cachedDepth = Math.max(0, depth - this.deliveredCount());
      this.cachedOldestAt = oldestAt;
    } catch {
      // The database is unreachable: the passes say so.
    } finally {
      this.gaugesReading = false;
    }
    if (this.gaugesStale && !this.stopped) this.gaugesChanged();
  }

  private deliveredIds(): number[] {
    return [...this.settled, ...this.completing];
  }

  private deliveredCount(): number {
    return this.settled.length + this.completing.size;
  }

  private isDelivered(id: number): boolean {
    return this.completing.has(id) || this.settled.includes(id);
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // onError's own failure must not stop the worker.
    }
  }

  /**
   * The wait before a row's next attempt: jitter in the upper half, so retries of many rows spread out and none comes
   * back sooner than half its backoff.
   */
  private backoff(attempts: number): number {
    const { baseBackoffMs: baseMs, maxBackoffMs: maxMs } = this.options;
    return backoffDelayMs({ baseMs, maxMs, jitter: 0.5 }, attempts + 1);
  }
}

function formatDuration(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
