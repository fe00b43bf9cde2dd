import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { LruMap } from '../lru/index.ts';
import type { JqLimits } from './limits.ts';
import type { JqReply, JqRequest } from './protocol.ts';

/**
 * Why an evaluation was stopped by the pool rather than answered by jq: it ran out of time or memory, or it was
 * not run at all because too many evaluations of the same program, which overran before, were already waiting.
 */
export type JqOverrun = 'time' | 'memory' | 'backlog';

/** The outcome of one evaluation: jq's compact output, jq's own error text, or the limit it ran into. */
export type JqOutcome =
  { ok: true; output: string } | { ok: false; message: string } | { ok: false; overrun: JqOverrun };

interface Job {
  program: string;
  /** The input's JSON as UTF-8, handed over to the worker (transferred, not copied) when it runs. */
  input: Uint8Array;
  settle(outcome: JqOutcome): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** The job it runs; its input went with it, so nothing keeps that alive here while jq runs. */
  job:
    | (Omit<Job, 'input'> & { id: number; timer: NodeJS.Timeout; slowTimer: NodeJS.Timeout; startedAt: number })
    | undefined;
}

const utf8 = new TextEncoder();

const WORKER_URL = new URL('./jq-worker.ts', import.meta.url);
/** A worker whose jq memory grew past this share of the cap is replaced after its job: WebAssembly never shrinks. */
const RECYCLE_SHARE = 0.5;
/** How long a program that overran runs apart from the others, and how many of its runs may wait there. */
export const QUARANTINE_MS = 10 * 60_000;
export const QUARANTINE_BACKLOG = 4;
/** Programs remembered as having overran; beyond this the oldest are forgotten (they run with the others again). */
const REMEMBERED_OVERRUNS = 10_000;
/**
 * Nice values of the worker threads (Linux keeps one per thread): jq yields the CPU to the event loop that serves
 * every request, and a program in quarantine, which is likely spinning until its limit, yields to everything.
 */
const NICE = { main: 10, quarantine: 19 };
/** A job running this long is likely to run to its limit: the lane may then grow, to BURST_FACTOR times its size. */
const SLOW_JOB_MS = 200;
const BURST_FACTOR = 2;

/**
 * The process's jq: a lane of worker threads for every program, and a lane of one for programs that overran a
 * limit in the last QUARANTINE_MS. A program that never ends then holds one low-priority thread and waits behind
 * its own kind, not in front of every action and mapping; past QUARANTINE_BACKLOG waiting, it is not run at all.
 */
export class JqPool {
  private readonly limits: JqLimits;
  private readonly main: JqLane;
  private readonly quarantine: JqLane;
  /** Program digest -> until when it runs in quarantine. */
  private readonly overran = new LruMap<string, number>(REMEMBERED_OVERRUNS);

  constructor(limits: JqLimits) {
    this.limits = limits;
    this.main = new JqLane(limits, limits.workers, NICE.main);
    this.quarantine = new JqLane(limits, 1, NICE.quarantine);
  }

  get settings(): JqLimits {
    return this.limits;
  }

  /** `input` is JSON text, or its UTF-8 bytes (which go to the worker as they are, and are no longer usable here). */
  async evaluate(program: string, input: string | Uint8Array): Promise<JqOutcome> {
    const digest = createHash('sha256').update(program).digest('base64');
    const quarantined = (this.overran.get(digest) ?? 0) > Date.now();
    if (quarantined && this.quarantine.waiting >= QUARANTINE_BACKLOG) return { ok: false, overrun: 'backlog' };
    const outcome = await (quarantined ? this.quarantine : this.main).evaluate(program, input);
    if ('overrun' in outcome) this.overran.set(digest, Date.now() + QUARANTINE_MS);
    return outcome;
  }

  async close(): Promise<void> {
    await Promise.all([this.main.close(), this.quarantine.close()]);
  }
}

/**
 * A few worker threads that run jq, each evaluation with a time limit and each worker with a memory cap. A worker
 * that overruns is terminated and replaced; the caller learns which limit it hit. Jobs wait in order for a worker.
 */
class JqLane {
  private readonly limits: JqLimits;
  private readonly size: number;
  private readonly nice: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(limits: JqLimits, size: number, nice: number) {
    this.limits = limits;
    this.size = size;
    this.nice = nice;
  }

  /** Evaluations waiting for a worker. */
  get waiting(): number {
    return this.queue.length;
  }

  evaluate(program: string, input: string | Uint8Array): Promise<JqOutcome> {
    if (this.closed) return Promise.reject(new Error('the jq pool is closed'));
    // The bytes' buffer is transferred to the worker: a view into a larger one (a pooled Buffer) is copied first.
    const bytes =
      typeof input === 'string'
        ? utf8.encode(input)
        : input.byteLength === input.buffer.byteLength
          ? input
          : input.slice();
    return new Promise((settle) => {
      this.queue.push({ program, input: bytes, settle });
      this.dispatch();
    });
  }

  /** Ends every worker; evaluations still waiting are answered with an error. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.settle({ ok: false, message: 'the jq pool was closed' });
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, 'the jq pool was closed')));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((candidate) => candidate.ready && !candidate.job);
      if (!slot) {
        // A new worker takes jobs once it is ready (it keeps the process alive until then); start one per job that
        // no starting worker will take, up to the lane's size, or up to twice that while every worker holds a
        // slow job: a program seen for the first time that never ends must not hold up everything behind it.
        const starting = this.slots.filter((candidate) => !candidate.ready).length;
        const limit = this.allSlow() ? this.size * BURST_FACTOR : this.size;
        if (starting < this.queue.length && this.slots.length < limit) this.spawn();
        else return;
        continue;
      }
      this.assign(slot, this.queue.shift()!);
    }
  }

  private allSlow(): boolean {
    const now = Date.now();
    return this.slots.every((slot) => slot.job !== undefined && now - slot.job.startedAt >= SLOW_JOB_MS);
  }

  private spawn(): void {
    const memoryLimitBytes = this.limits.memoryMb * 1024 * 1024;
    const worker = new Worker(WORKER_URL, {
      workerData: { memoryLimitBytes, nice: this.nice },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb, maxYoungGenerationSizeMb: 16 },
    });
    const slot: Slot = { worker, ready: false, job: undefined };
    this.slots.push(slot);
    worker.on('message', (message: JqReply | { ready: true }) => {
      if ('ready' in message) {
        slot.ready = true;
        worker.unref();
        this.dispatch();
      } else {
        this.answered(slot, message);
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const overrun = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.lost(slot, overrun ? { ok: false, overrun: 'memory' } : { ok: false, message: error.message });
    });
    worker.on('exit', () => this.lost(slot, { ok: false, message: 'the jq worker stopped' }));
  }

  private assign(slot: Slot, job: Job): void {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      if (slot.job?.id !== id) return;
      const { settle } = slot.job;
      slot.job = undefined;
      settle({ ok: false, overrun: 'time' });
      void this.replace(slot);
    }, this.limits.timeoutMs);
    // Looks again once the job has run long enough to count as slow, in case others are waiting behind it.
    const slowTimer = setTimeout(() => this.dispatch(), SLOW_JOB_MS).unref();
    const { input, ...running } = job;
    slot.job = { ...running, id, timer, slowTimer, startedAt: Date.now() };
    // Referenced while busy: an evaluation in flight keeps the process alive, an idle pool does not.
    slot.worker.ref();
    const request: JqRequest = { id, program: job.program, input };
    slot.worker.postMessage(request, [input.buffer as ArrayBuffer]);
  }

  private answered(slot: Slot, reply: JqReply): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    clearTimeout(job.timer);
    clearTimeout(job.slowTimer);
    slot.job = undefined;
    slot.worker.unref();
    if (reply.ok) {
      job.settle({ ok: true, output: reply.output });
    } else if (reply.memoryExceeded) {
      job.settle({ ok: false, overrun: 'memory' });
    } else {
      job.settle({ ok: false, message: reply.message });
    }
    // After an abort jq's module state is unreliable, and grown memory is never given back: start afresh.
    const exhausted = !reply.ok && (reply.memoryExceeded || /Aborted\(/.test(reply.message));
    const extra = this.slots.length > this.size && this.queue.length === 0;
    if (exhausted || extra || reply.memoryBytes > this.limits.memoryMb * 1024 * 1024 * RECYCLE_SHARE) {
      void this.replace(slot);
    } else {
      this.dispatch();
    }
  }

  /** A worker that died on its own (out of heap, a crash): its job fails, and another worker takes its place. */
  private lost(slot: Slot, outcome: JqOutcome): void {
    if (!this.slots.includes(slot)) return;
    const job = slot.job;
    if (job) {
      clearTimeout(job.timer);
      slot.job = undefined;
      job.settle(outcome);
    } else if (!slot.ready) {
      // It never became ready: jq could not be loaded. Fail the waiting jobs rather than respawn forever.
      const reason = 'message' in outcome ? outcome.message : 'the jq worker could not start';
      for (const waiting of this.queue.splice(0)) {
        waiting.settle({ ok: false, message: `jq could not be started: ${reason}` });
      }
    }
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }

  /** Ends the slot's worker; a new one starts at once for any waiting job, not after the old one is gone. */
  private async replace(slot: Slot): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const retired = this.retire(slot, 'replaced');
    if (!this.closed) this.dispatch();
    await retired;
  }

  private async retire(slot: Slot, reason: string): Promise<void> {
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    slot.worker.on('error', () => {});
    if (slot.job) {
      clearTimeout(slot.job.timer);
      slot.job.settle({ ok: false, message: reason });
      slot.job = undefined;
    }
    await slot.worker.terminate();
  }
}
