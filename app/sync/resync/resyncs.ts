/**
 * When full resyncs run: on install, on a configuration change, on a schedule and on demand; one at a time per
 * installation (a request while one runs makes it run once more after, since the running one may have read an
 * older configuration); and those cut short by a stop go on from their checkpoint at the next start.
 */
import type { GitopsResync } from '../gitops/gitops-resync.ts';
import type { ResyncRecord } from '../store/sync-store.ts';
import type { SyncContext } from '../sync-context.ts';
import { ResyncAborted, runResync } from './resync-runner.ts';

/**
 * Resyncs of different installations at once: each reads its own installation's quota, but they share the App's
 * process and Port's rate limit, so an App on hundreds of accounts resyncs them a few at a time.
 */
const CONCURRENT_RESYNCS = 4;

export interface ResyncTicket {
  installationId: number;
  owner: string;
  /** The resync that started, or the one running that a next one will follow. */
  resyncId: number;
  state: 'started' | 'queued';
}

export class Resyncs {
  private readonly ctx: SyncContext;
  private readonly gitops: GitopsResync;
  private readonly running = new Map<number, { record: ResyncRecord; done: Promise<void> }>();
  /** Started (recorded) but waiting for a free slot, in order. */
  private readonly waiting: ResyncRecord[] = [];
  private readonly again = new Map<number, { owner: string; reason: string }>();
  private controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(ctx: SyncContext, gitops: GitopsResync) {
    this.ctx = ctx;
    this.gitops = gitops;
  }

  /** Starts a resync of the installation now, or after the one under way. */
  request(installationId: number, owner: string, reason: string): ResyncTicket {
    // One that has not started yet reads everything afresh when it does: nothing to add.
    const waiting = this.waiting.find((record) => record.installationId === installationId);
    if (waiting) return { installationId, owner, resyncId: waiting.id, state: 'queued' };
    const current = this.running.get(installationId);
    if (current) {
      this.again.set(installationId, { owner, reason });
      return { installationId, owner, resyncId: current.record.id, state: 'queued' };
    }
    const record = this.ctx.store.startResync(installationId, owner, reason, Date.now());
    this.launch(record);
    return { installationId, owner, resyncId: record.id, state: 'started' };
  }

  /** Resyncs every installation of the App. */
  async requestAll(reason: string): Promise<ResyncTicket[]> {
    const installations = await this.ctx.github.listInstallations();
    return installations.map((installation) => this.request(installation.id, installation.account, reason));
  }

  /** Goes on with the resyncs that were running when the last process stopped, from their last page. */
  resumeInterrupted(): void {
    for (const record of this.ctx.store.runningResyncs()) {
      const known = this.running.has(record.installationId) || this.waiting.some((r) => r.id === record.id);
      if (!known) this.launch(record);
    }
  }

  /** Every `intervalMs`, a resync of every installation (0: none). */
  schedule(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.requestAll('schedule').catch((error: unknown) =>
        this.ctx.warn(`scheduled resync: could not list the App's installations: ${String(error)}`),
      );
    }, intervalMs);
    this.timer.unref();
  }

  /** Resolves once no resync runs (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((run) => run.done));
  }

  /** Stops the schedule and the resyncs under way, which keep their checkpoint to go on from. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.controller.abort(new ResyncAborted());
    // Waiting ones stay recorded as running: the next start goes on with them.
    this.waiting.length = 0;
    await this.idle();
    this.controller = new AbortController();
  }

  private launch(record: ResyncRecord): void {
    if (this.running.size >= CONCURRENT_RESYNCS) {
      this.waiting.push(record);
      return;
    }
    const done = this.execute(record).finally(() => {
      this.running.delete(record.installationId);
      if (this.controller.signal.aborted) return;
      const next = this.again.get(record.installationId);
      this.again.delete(record.installationId);
      if (next) this.request(record.installationId, next.owner, next.reason);
      const queued = this.waiting.shift();
      if (queued) this.launch(queued);
    });
    this.running.set(record.installationId, { record, done });
  }

  private async execute(record: ResyncRecord): Promise<void> {
    try {
      await runResync(this.ctx, record, this.controller.signal, this.gitops);
    } catch (error) {
      if (!(error instanceof ResyncAborted)) this.ctx.warn(`resync of ${record.owner}: ${String(error)}`);
    }
  }
}
