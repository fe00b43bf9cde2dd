/**
 * When full resyncs run: on install, on a configuration change, on a schedule and on demand; one at a time per
 * installation over all replicas, under the lease `resync:<installation id>` (app/state/work-leases.ts), renewed
 * while the resync runs. A request while one runs here makes it run once more after (the running one may have read
 * an older configuration); a request while one runs on another replica does the same for a change (installation,
 * configuration, visibility), and nothing for the schedule or a request on demand. Every replica looks now and then
 * for resyncs left running whose lease is free (their replica stopped or died) and goes on with them from their
 * checkpoint.
 */
import type { SqlExecutor } from '../../../src/sql/index.ts';
import type { ResyncRecord } from '../../state/index.ts';
import type { GitopsResync } from '../gitops/gitops-resync.ts';
import type { SyncContext } from '../sync-context.ts';
import { ResyncAborted, runResync } from './resync-runner.ts';

/**
 * Resyncs of different installations at once: each reads its own installation's quota, but they share the App's
 * process and Port's rate limit, so an App on hundreds of accounts resyncs them a few at a time.
 */
const CONCURRENT_RESYNCS = 4;

/**
 * The schedule leaves out an installation whose last resync (completed or running) started within this share of
 * the interval: another replica's timer, or a resync on demand or on a change, did it lately.
 */
const RECENT_SHARE = 0.9;

/** The lease a resync of the installation runs under. */
export const resyncLease = (installationId: number): string => `resync:${installationId}`;

export interface ResyncTicket {
  installationId: number;
  owner: string;
  /** The resync that started, or the one running that a next one will follow (or that this request leaves be). */
  resyncId: number;
  /**
   * started: this request started it. queued: one is running, and another follows it once it ends. running: one
   * is running on another replica and this request (on demand, or the schedule's) starts none.
   */
  state: 'started' | 'queued' | 'running';
}

/** What a request does while another replica runs a resync of the installation. */
export type WhileElsewhere =
  /** Resync once more after it (a change it may have read too early). */
  | 'follow'
  /** Nothing: the running one does what was asked. */
  | 'skip';

class ResyncLeaseLost extends Error {
  constructor(installationId: number) {
    super(`another replica took over the resync of installation ${installationId}`);
    this.name = 'ResyncLeaseLost';
  }
}

interface Run {
  record: ResyncRecord;
  controller: AbortController;
  done: Promise<void>;
}

export class Resyncs {
  private readonly ctx: SyncContext;
  private readonly gitops: GitopsResync;
  private readonly running = new Map<number, Run>();
  /** Started (recorded, under lease) but waiting for a free slot, in order. */
  private readonly waiting: ResyncRecord[] = [];
  /** To run once more after the one running here. */
  private readonly again = new Map<number, { owner: string; reason: string }>();
  /** To run once the one another replica runs has ended (its lease is free). */
  private readonly afterElsewhere = new Map<number, { owner: string; reason: string }>();
  /** Installations whose lease this replica holds: those running and waiting here. */
  private readonly held = new Set<number>();
  /** Requests and polls under way, per installation one at a time (serial). */
  private readonly claiming = new Map<number, Promise<unknown>>();
  private readonly pendingWork = new Set<Promise<unknown>>();
  private stopping = false;
  private polling = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(ctx: SyncContext, gitops: GitopsResync) {
    this.ctx = ctx;
    this.gitops = gitops;
  }

  private get leaseMs(): number {
    return this.ctx.settings.resyncLeaseMs;
  }

  /**
   * Starts a resync of the installation now, or after the one under way here; while another replica runs one,
   * `whileElsewhere` says whether one follows it.
   */
  request(
    installationId: number,
    owner: string,
    reason: string,
    whileElsewhere: WhileElsewhere = 'follow',
  ): Promise<ResyncTicket> {
    return this.tracked(this.serial(installationId, () => this.claim(installationId, owner, reason, whileElsewhere)));
  }

  /** Resyncs every installation of the App (on demand: none where another replica runs one). */
  async requestAll(reason: string): Promise<ResyncTicket[]> {
    const installations = await this.ctx.github.listInstallations();
    return Promise.all(
      installations.map((installation) => this.request(installation.id, installation.account, reason, 'skip')),
    );
  }

  /**
   * Starts the work of this replica: at once and every resumePollMs, goes on with the resyncs left running whose
   * lease is free; every intervalMs (0: never), a resync of every installation that none did lately; and keeps the
   * leases it holds renewed.
   */
  start(intervalMs: number): void {
    this.stopping = false;
    const every = (ms: number, work: () => Promise<void>) => {
      const timer = setInterval(() => void this.tracked(work()), ms);
      timer.unref();
      this.timers.push(timer);
    };
    void this.tracked(this.poll());
    every(this.ctx.settings.resumePollMs, () => this.poll());
    every(Math.max(1, Math.floor(this.leaseMs / 3)), () => this.renewAll());
    if (intervalMs > 0) every(intervalMs, () => this.scheduled(intervalMs));
  }

  /** Resolves once no resync runs here and no request is being decided (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.pendingWork.size > 0) {
      await Promise.allSettled([...this.pendingWork, ...[...this.running.values()].map((run) => run.done)]);
    }
  }

  /**
   * Stops the timers and the resyncs under way, which keep their checkpoint, and gives their leases up: the next
   * start, or another replica's next poll, goes on with them.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    for (const run of this.running.values()) run.controller.abort(new ResyncAborted());
    // Waiting ones stay recorded as running.
    this.waiting.length = 0;
    this.again.clear();
    this.afterElsewhere.clear();
    await this.idle();
    for (const installationId of [...this.held]) await this.release(installationId);
  }

  /** Runs `work` once the installation's earlier requests here were decided: a replica asks for its lease once. */
  private serial<T>(installationId: number, work: () => Promise<T>): Promise<T> {
    const before = this.claiming.get(installationId) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(work);
    this.claiming.set(installationId, next);
    const forget = () => {
      if (this.claiming.get(installationId) === next) this.claiming.delete(installationId);
    };
    next.then(forget, forget);
    return next;
  }

  private tracked<T>(work: Promise<T>): Promise<T> {
    this.pendingWork.add(work);
    const forget = () => this.pendingWork.delete(work);
    work.then(forget, forget);
    return work;
  }

  private async claim(
    installationId: number,
    owner: string,
    reason: string,
    whileElsewhere: WhileElsewhere,
  ): Promise<ResyncTicket> {
    const ticket = (resyncId: number, state: ResyncTicket['state']): ResyncTicket => ({
      installationId,
      owner,
      resyncId,
      state,
    });
    // One that has not started yet reads everything afresh when it does: nothing to add.
    const waiting = this.waiting.find((record) => record.installationId === installationId);
    if (waiting) return ticket(waiting.id, 'queued');
    const current = this.running.get(installationId);
    if (current) {
      this.again.set(installationId, { owner, reason });
      return ticket(current.record.id, 'queued');
    }
    const { store, state } = this.ctx;
    const now = Date.now();
    // The lease and the record in one commit: a replica that finds the lease taken finds the record too.
    const record = await state.transaction(async (tx) => {
      if (!(await state.leases.acquire(resyncLease(installationId), this.leaseMs, now, tx))) return undefined;
      const started = await store.startResync(installationId, owner, reason, now, tx);
      // One left running by a replica that stopped is not gone on with: this one reads everything.
      for (const left of await store.runningResyncs(tx)) {
        if (left.installationId === installationId && left.id !== started.id) {
          await store.finishResync(left.id, 'failed', `left unfinished; resync ${started.id} started over`, 0, now, tx);
        }
      }
      return started;
    });
    if (!record) {
      const latest = await store.latestResync(installationId);
      if (whileElsewhere === 'skip') return ticket(latest?.id ?? 0, 'running');
      this.afterElsewhere.set(installationId, { owner, reason });
      return ticket(latest?.id ?? 0, 'queued');
    }
    this.held.add(installationId);
    if (this.stopping) {
      // Stopped meanwhile: the record waits for the next start (or another replica).
      await this.release(installationId);
      return ticket(record.id, 'queued');
    }
    this.launch(record);
    return ticket(record.id, 'started');
  }

  /**
   * Goes on with the resyncs left running whose lease is free (the last of each installation), and starts those
   * that were to follow another replica's once it ended.
   */
  private async poll(): Promise<void> {
    if (this.polling || this.stopping) return;
    this.polling = true;
    try {
      const left = new Map<number, ResyncRecord>();
      for (const record of await this.ctx.store.runningResyncs()) left.set(record.installationId, record);
      for (const record of left.values()) {
        if (this.stopping) return;
        if (this.held.has(record.installationId)) continue;
        await this.tracked(this.serial(record.installationId, () => this.resume(record)));
      }
      for (const [installationId, next] of [...this.afterElsewhere]) {
        if (this.stopping) return;
        if (this.held.has(installationId)) {
          // This replica took over the one it was to follow: it follows here.
          this.afterElsewhere.delete(installationId);
          if (this.running.has(installationId)) this.again.set(installationId, next);
          else await this.request(installationId, next.owner, next.reason);
          continue;
        }
        if ((await this.ctx.state.leases.holder(resyncLease(installationId), Date.now())) !== undefined) continue;
        // Its lease came free since the look above: the resync it was to follow goes on first (a request now would
        // end it as left unfinished); the next poll finds the lease held here and follows it.
        const stillLeft = (await this.ctx.store.runningResyncs()).filter((r) => r.installationId === installationId);
        if (stillLeft.length > 0) {
          await this.tracked(this.serial(installationId, () => this.resume(stillLeft.at(-1)!)));
          continue;
        }
        this.afterElsewhere.delete(installationId);
        await this.request(installationId, next.owner, next.reason);
      }
    } catch (error) {
      this.ctx.warn(`catalog sync: could not look for resyncs to go on with: ${String(error)}`);
    } finally {
      this.polling = false;
    }
  }

  /** Goes on with a resync left running, from its checkpoint, if its lease is free. */
  private async resume(record: ResyncRecord): Promise<void> {
    const { installationId } = record;
    if (this.held.has(installationId) || this.stopping) return;
    const { state, store } = this.ctx;
    const lease = resyncLease(installationId);
    // A lease held here is in `held`: acquire is true only when the lease is free or ran out.
    const now = Date.now();
    if ((await state.leases.holder(lease, now)) !== undefined) return;
    const fresh = await state.transaction(async (tx) =>
      (await state.leases.acquire(lease, this.leaseMs, now, tx)) ? store.resync(record.id, tx) : undefined,
    );
    if (!fresh) return;
    this.held.add(installationId);
    // It ended between the look and the lease (its replica finished it).
    if (fresh.state !== 'running' || this.stopping) {
      await this.release(installationId);
      return;
    }
    this.ctx.warn(`resync ${fresh.id} of ${fresh.owner} goes on from its last checkpoint (its replica stopped)`);
    this.launch(fresh);
  }

  /** A resync of every installation that none did lately (another replica's timer, on demand, a change). */
  private async scheduled(intervalMs: number): Promise<void> {
    try {
      const installations = await this.ctx.github.listInstallations();
      for (const installation of installations) {
        if (this.stopping) return;
        const latest = await this.ctx.store.latestResync(installation.id);
        const recent = latest && latest.state !== 'failed' && latest.startedAt > Date.now() - intervalMs * RECENT_SHARE;
        if (!recent) await this.request(installation.id, installation.account, 'schedule', 'skip');
      }
    } catch (error) {
      this.ctx.warn(`scheduled resync: ${String(error)}`);
    }
  }

  /** Renews the leases held here; a resync whose lease another replica took over stops. */
  private async renewAll(): Promise<void> {
    for (const installationId of [...this.held]) {
      try {
        const renewed = await this.ctx.state.leases.renew(resyncLease(installationId), this.leaseMs, Date.now());
        if (!renewed && this.held.has(installationId)) this.lost(installationId);
      } catch (error) {
        this.ctx.warn(`catalog sync: could not renew the lease of ${resyncLease(installationId)}: ${String(error)}`);
      }
    }
  }

  /** Renews the lease in `on` (a checkpoint's transaction): throws, and stops the resync, when it was lost. */
  private async hold(installationId: number, on: SqlExecutor): Promise<void> {
    if (await this.ctx.state.leases.renew(resyncLease(installationId), this.leaseMs, Date.now(), on)) return;
    this.lost(installationId);
    throw new ResyncLeaseLost(installationId);
  }

  private lost(installationId: number): void {
    this.held.delete(installationId);
    this.ctx.warn(
      `catalog sync: another replica took over the resync of installation ${installationId}; it goes on with it from its last checkpoint`,
    );
    const index = this.waiting.findIndex((record) => record.installationId === installationId);
    if (index >= 0) this.waiting.splice(index, 1);
    this.running.get(installationId)?.controller.abort(new ResyncAborted());
  }

  private async release(installationId: number): Promise<void> {
    this.held.delete(installationId);
    try {
      await this.ctx.state.leases.release(resyncLease(installationId));
    } catch (error) {
      this.ctx.warn(`catalog sync: could not give up ${resyncLease(installationId)}: ${String(error)}`);
    }
  }

  private launch(record: ResyncRecord): void {
    if (this.running.size >= CONCURRENT_RESYNCS) {
      this.waiting.push(record);
      return;
    }
    const { installationId } = record;
    const controller = new AbortController();
    const done = this.execute(record, controller.signal).finally(() => {
      this.running.delete(installationId);
      if (this.stopping) return;
      const next = this.again.get(installationId);
      this.again.delete(installationId);
      if (next) {
        this.request(installationId, next.owner, next.reason).catch((error: unknown) =>
          this.ctx.warn(`resync of ${next.owner}: ${String(error)}`),
        );
      }
      const queued = this.waiting.shift();
      if (queued) this.launch(queued);
    });
    this.running.set(installationId, { record, controller, done });
  }

  private async execute(record: ResyncRecord, signal: AbortSignal): Promise<void> {
    try {
      await runResync(this.ctx, record, signal, this.gitops, (on) => this.hold(record.installationId, on));
    } catch (error) {
      if (!(error instanceof ResyncAborted)) this.ctx.warn(`resync of ${record.owner}: ${String(error)}`);
    } finally {
      // Lost meanwhile: the lease is another's, and release leaves it alone.
      if (this.held.has(record.installationId)) await this.release(record.installationId);
    }
  }
}
