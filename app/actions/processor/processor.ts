import { setTimeout as sleep } from 'node:timers/promises';
import type { ClaimedRun, PortClient, Run } from '../../../src/port/index.ts';
import { enqueuePortWrites, type PortWrite } from '../../port-writes/index.ts';
import type { SqlTransaction } from '../../../src/sql/index.ts';
import type { ActionRuns, AppState } from '../../state/index.ts';
import {
  ExecutionError,
  type ExecutionOutcome,
  type ExecutorContext,
  type IntegrationRun,
  type RunRepository,
} from '../executors/executor.ts';
import { DEFAULT_PACING, nextPollDelay, type PollPacing } from './backoff.ts';
import { integrationRunOf } from './claimed-run.ts';
import type { ExecutorRegistry } from './registry.ts';

/** The two calls of the Port API an actions processor makes besides its run writes. */
export type PendingRunsSource = Pick<PortClient, 'claimPendingRuns' | 'acknowledgeRun'>;

export interface ProcessorSettings {
  /** The installation id Port's INTEGRATION_ACTION actions name (WHARF_INTEGRATION_ID). */
  installationId: string;
  /** Runs claimed per poll, and at most held here (waiting or executing) at once. */
  batchSize: number;
  /** How long a claimed run stays hidden from other processors before Port offers it again. */
  visibilityTimeoutMs: number;
  /** Runs executed at once (runs with one partition key always one at a time). */
  concurrency: number;
  pacing: PollPacing;
  /** How long stop() waits for executions under way (they are then left as a crash leaves them). */
  stopWithinMs: number;
}

export const DEFAULT_PROCESSOR_SETTINGS: Omit<ProcessorSettings, 'installationId'> = {
  batchSize: 20,
  visibilityTimeoutMs: 90_000,
  concurrency: 8,
  pacing: DEFAULT_PACING,
  stopWithinMs: 5_000,
};

export interface ProcessorEvents {
  claimed(count: number): void;
  /** Acknowledged by another processor first (409). */
  skipped(): void;
  /** The run's outcome was reported: it ended (SUCCESS, FAILURE) or went on elsewhere (IN_PROGRESS). */
  executed(status: ExecutionOutcome['status'], createdAt: number | undefined): void;
  pollFailed(): void;
  enqueued(): void;
  warn(message: string): void;
}

/** What the status page shows of the processor. */
export interface ProcessorStatus {
  installationId: string;
  running: boolean;
  executors: string[];
  lastPoll: { at: number; ok: boolean; claimed: number; error?: string } | undefined;
  /** Polls failed in a row now (0 when the last one worked). */
  failingPolls: number;
  claimed: number;
  skipped: number;
  outcomes: Record<ExecutionOutcome['status'], number>;
  waiting: number;
  executing: number;
}

/** A run held here: waiting for its turn, then acknowledged and executed. */
interface Held {
  run: IntegrationRun;
  createdAt: number | undefined;
  problem: string | undefined;
  key: string | undefined;
  /** new: just claimed; reack: its acknowledgement's answer was lost; acknowledged: ours, resumed after a restart. */
  phase: 'new' | 'reack' | 'acknowledged';
}

/**
 * Port's actions processor, as the vendor's integrations run it: polls Port for the pending runs of its installation
 * (a bounded batch, hidden from other processors for a visibility timeout), acknowledges each before executing it
 * (a 409 means another processor took it), executes it with the executor of its `integrationActionType`, and reports
 * the outcome to the run through the App's outbox. The App's state records each run's progress, so a run is executed
 * once however often it is offered, and one caught by a stop is resumed or ended saying which.
 *
 * Replicas sharing the App's state (DATABASE_URL) may be offered one run each (Port offers it again once its
 * visibility timeout passed): the run's claim (ActionRuns.claim, a unique key) is taken before the acknowledgement,
 * and a replica that does not get it leaves the run. Each later step is a conditional update that one replica wins
 * (ActionRuns.acknowledged: claimed to acknowledged; ActionRuns.begin: acknowledged to executing), so a run
 * acknowledged again, or resumed by a replica that just started, is still executed by one replica only.
 *
 * A run being executed is held by its replica, which renews the hold while the execution runs (ActionRuns.renew).
 * Every replica, at its start and then every half a hold, ends FAILURE the executing runs whose hold ran out (their
 * replica died: they may or may not have acted on GitHub), one replica each (ActionRuns.endAbandoned); another live
 * replica's runs are left alone. On SQLite (one process) every run executing at the start is the previous process's.
 */
export class ActionsProcessor {
  private readonly source: PendingRunsSource;
  private readonly state: AppState;
  private readonly runs: ActionRuns;
  private readonly registry: ExecutorRegistry;
  private readonly resolve: (properties: Readonly<Record<string, unknown>>) => Promise<RunRepository>;
  private readonly settings: ProcessorSettings;
  private readonly events: ProcessorEvents;
  private readonly redact: (text: string) => string;
  private readonly stopping = new AbortController();
  private readonly waiting: Held[] = [];
  private readonly executing = new Map<string, Promise<void>>();
  private readonly busyKeys = new Set<string>();
  private loop: Promise<void> | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly counts = { claimed: 0, skipped: 0, failingPolls: 0 };
  private readonly outcomes: ProcessorStatus['outcomes'] = { SUCCESS: 0, FAILURE: 0, IN_PROGRESS: 0 };
  private lastPoll: ProcessorStatus['lastPoll'];

  constructor(options: {
    source: PendingRunsSource;
    state: AppState;
    registry: ExecutorRegistry;
    repository: (properties: Readonly<Record<string, unknown>>) => Promise<RunRepository>;
    settings: ProcessorSettings;
    events: ProcessorEvents;
    redact?: (text: string) => string;
  }) {
    this.source = options.source;
    this.state = options.state;
    this.runs = options.state.actionRuns;
    this.registry = options.registry;
    this.resolve = options.repository;
    this.settings = options.settings;
    this.events = options.events;
    // A run's properties are rendered templates, and may hold a secret GitHub quotes back in its refusal.
    this.redact = options.redact ?? ((text) => text);
  }

  /** Takes up what an earlier process (or a replica that died) left, then polls until stop(). */
  start(): void {
    if (this.loop) return;
    // One process on SQLite: a run executing now began in the previous one, however recently that renewed its hold.
    const begunBefore = this.state.db.dialect === 'sqlite' ? Date.now() : 0;
    this.loop = this.recover(begunBefore)
      .catch((error: unknown) =>
        // The App's database did not answer: what was left is taken up by the next start (or another replica's).
        this.events.warn(`actions processor: could not take up the runs left unfinished: ${(error as Error).message}`),
      )
      .then(() => {
        if (this.stopped) return;
        this.sweeper = setInterval(() => this.sweep(), this.runs.holdMs / 2);
        this.sweeper.unref();
        return this.poll();
      });
  }

  status(): ProcessorStatus {
    return {
      installationId: this.settings.installationId,
      running: this.loop !== undefined && !this.stopping.signal.aborted,
      executors: this.registry.known(),
      lastPoll: this.lastPoll,
      failingPolls: this.counts.failingPolls,
      claimed: this.counts.claimed,
      skipped: this.counts.skipped,
      outcomes: { ...this.outcomes },
      waiting: this.waiting.length,
      executing: this.executing.size,
    };
  }

  /** Waits until nothing is held here (tests and the benchmark). */
  async idle(): Promise<void> {
    while (this.executing.size > 0 || this.waiting.length > 0) {
      await Promise.allSettled([...this.executing.values()]);
      if (this.executing.size === 0 && this.waiting.length > 0) await sleep(5);
    }
  }

  /**
   * Stops polling and claiming; waits a while for executions under way. One still running after that is left
   * `executing`, as a crash would leave it (its hold is no longer renewed: once it ran out, another replica or the
   * next start ends it FAILURE saying so); runs waiting their turn were
   * never acknowledged, and Port offers them again once their visibility timeout passes.
   */
  async stop(): Promise<void> {
    this.halt();
    await this.loop;
    await this.sweeping;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.executing.values()]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, this.settings.stopWithinMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Stops polling and starting runs at once; what an execution under way reports from now on is dropped. */
  halt(): void {
    this.stopping.abort();
    clearInterval(this.sweeper);
    this.wakeUp?.();
    this.waiting.length = 0;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /**
   * Runs an earlier process left: acknowledged but not started ones are resumed (nothing was done on GitHub); ones
   * whose execution started end FAILURE (GitHub may or may not have acted; a second execution could act twice),
   * when their replica is gone (endAbandoned); ones whose acknowledgement got no answer are acknowledged again
   * (claims of another live replica's, made just now, left to it).
   */
  private async recover(begunBefore: number): Promise<void> {
    await this.endAbandoned(begunBefore);
    if (this.stopped) return;
    const acknowledged = await this.runs.inState('acknowledged');
    const claimed = await this.runs.inState('claimed');
    if (this.stopped) return;
    for (const { run, createdAt } of acknowledged) {
      this.hold({ run, createdAt, problem: undefined, key: this.keyOf(run), phase: 'acknowledged' });
    }
    // A claim made just now may be another live replica's, its acknowledgement under way: asked again only once
    // stale, as take() does (on SQLite, every claim made before this start is the previous process's).
    const now = Date.now();
    const staleBefore = begunBefore > 0 ? begunBefore - 1 : now - this.settings.visibilityTimeoutMs / 2;
    for (const { run, createdAt } of claimed) {
      if (this.stopped || !(await this.runs.reclaim(run.runId, staleBefore, now))) continue;
      this.hold({ run, createdAt, problem: undefined, key: this.keyOf(run), phase: 'reack' });
    }
    this.pump();
  }

  /**
   * Ends FAILURE the executing runs whose replica is gone (their hold ran out, or, with `begunBefore`, they began
   * before this process started): each by one replica of those that try at once.
   */
  private async endAbandoned(begunBefore = 0): Promise<void> {
    for (const { run, createdAt } of await this.runs.abandoned(Date.now(), begunBefore)) {
      // This processor's own, its hold not renewed in time (a stalled event loop): it finishes it itself.
      if (this.stopped || this.executing.has(run.runId)) continue;
      const message = `wharf stopped while executing this run's ${run.integrationActionType}, so it may or may not have taken effect on GitHub: check there before running the action again`;
      const ended = await this.report(run, { status: 'FAILURE', summary: message }, createdAt, (now, tx) =>
        this.runs.endAbandoned(run.runId, 'FAILURE', now, begunBefore, tx),
      );
      if (ended) this.events.warn(`run ${run.runId}: ${message}`);
    }
  }

  /** Now and then: notices the runs of a replica that died, without waiting for a start. */
  private sweep(): void {
    if (this.sweeping || this.stopped) return;
    this.sweeping = this.endAbandoned()
      .catch((error: unknown) =>
        this.events.warn(`actions processor: could not end the runs of a stopped replica: ${(error as Error).message}`),
      )
      .finally(() => {
        this.sweeping = undefined;
      });
  }

  private keyOf(run: IntegrationRun): string | undefined {
    try {
      const key = this.registry.get(run.integrationActionType)?.partitionKey?.(run);
      return key === undefined ? undefined : `${run.integrationActionType}:${key}`;
    } catch {
      return undefined;
    }
  }

  private hold(held: Held): void {
    this.waiting.push(held);
  }

  private heldIds(): string[] {
    return [...this.waiting.map((held) => held.run.runId), ...this.executing.keys()];
  }

  private async poll(): Promise<void> {
    const { pacing, batchSize, installationId, visibilityTimeoutMs } = this.settings;
    let last: 'runs' | 'empty' | 'error' = 'runs';
    let streak = 0;
    while (!this.stopped) {
      const holding = this.waiting.length + this.executing.size;
      const room = batchSize - holding;
      // Claims a batch once half of one is done, not a run each time one is: fewer, larger claims.
      if (room <= 0 || (holding > 0 && room < Math.ceil(batchSize / 2))) {
        await this.pause(pacing.maxIdleMs);
        continue;
      }
      let claimed: ClaimedRun[];
      const exclude = this.heldIds();
      try {
        claimed = await this.source.claimPendingRuns({
          installationId,
          limit: room,
          visibilityTimeoutMs,
          ...(exclude.length > 0 && { exclude }),
        });
      } catch (error) {
        if (this.stopped) break;
        streak = last === 'error' ? streak + 1 : 1;
        last = 'error';
        this.counts.failingPolls = streak;
        const message = (error as Error).message;
        this.lastPoll = { at: Date.now(), ok: false, claimed: 0, error: message };
        this.events.pollFailed();
        const delay = nextPollDelay(pacing, 'error', streak);
        // The first failure and then every tenth, so a long outage does not flood the log.
        if (streak === 1 || streak % 10 === 0) {
          this.events.warn(
            `actions processor: could not claim runs from Port (${streak} failed ${streak === 1 ? 'poll' : 'polls'} in a row, next in ${Math.round(delay / 1000)} s): ${message}`,
          );
        }
        await this.pause(delay);
        continue;
      }
      this.counts.failingPolls = 0;
      this.lastPoll = { at: Date.now(), ok: true, claimed: claimed.length };
      const held = new Set(exclude);
      const fresh = claimed.filter((run) => !held.has(run.id));
      if (fresh.length > 0) this.events.claimed(fresh.length);
      this.counts.claimed += fresh.length;
      for (const claimedRun of fresh) {
        try {
          await this.take(claimedRun);
        } catch (error) {
          // The App's database did not answer: Port offers the run again once its visibility timeout passes.
          this.events.warn(`actions processor: run ${claimedRun.id}: ${(error as Error).message}`);
        }
      }
      this.pump();
      if (fresh.length > 0) {
        last = 'runs';
        streak = 0;
        continue;
      }
      streak = last === 'empty' ? streak + 1 : 1;
      last = 'empty';
      await this.pause(nextPollDelay(pacing, 'empty', streak));
    }
  }

  /** A run the poll claimed: held for its turn, unless this App is already past acknowledging it. */
  private async take(claimedRun: Run): Promise<void> {
    const parsed = integrationRunOf(claimedRun);
    const run: IntegrationRun = parsed.ok
      ? parsed.run
      : {
          runId: claimedRun.id,
          integrationActionType: String(
            (claimedRun.payload as { integrationActionType?: unknown } | undefined)?.integrationActionType ?? '',
          ),
          properties: {},
        };
    const createdAt = parsed.ok ? parsed.createdAt : undefined;
    const state = await this.runs.stateOf(run.runId);
    if (this.stopped) return;
    // Offered again after its acknowledgement was sent: executed here, or being, or reported; never twice.
    if (state !== undefined && state !== 'claimed') return;
    // Claimed, and its acknowledgement's answer not recorded: asked again, by one processor, once the claim is stale.
    // Port offers a run again a visibility timeout after it claimed it; half of one leaves room for the time between
    // Port's claim and this App's, while a claim made just now is another processor's, acknowledging it right now.
    if (state === 'claimed') {
      const now = Date.now();
      if (!(await this.runs.reclaim(run.runId, now - this.settings.visibilityTimeoutMs / 2, now))) return;
    }
    this.hold({
      run,
      createdAt,
      problem: parsed.ok ? undefined : parsed.problem,
      key: this.keyOf(run),
      phase: state === 'claimed' ? 'reack' : 'new',
    });
  }

  /** Starts held runs while there is room, one at a time per partition key. */
  private pump(): void {
    while (!this.stopped && this.executing.size < this.settings.concurrency) {
      const index = this.waiting.findIndex((held) => held.key === undefined || !this.busyKeys.has(held.key));
      if (index < 0) return;
      const [held] = this.waiting.splice(index, 1) as [Held];
      if (held.key !== undefined) this.busyKeys.add(held.key);
      const work = this.process(held)
        .catch((error: unknown) =>
          this.events.warn(`actions processor: run ${held.run.runId}: ${(error as Error).message}`),
        )
        .finally(() => {
          this.executing.delete(held.run.runId);
          if (held.key !== undefined) this.busyKeys.delete(held.key);
          this.wakeUp?.();
          this.pump();
        });
      this.executing.set(held.run.runId, work);
    }
  }

  /** Waits `ms`, or less when a run is done or the processor stops. */
  private async pause(ms: number): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = undefined;
  }

  private async process(held: Held): Promise<void> {
    const { run } = held;
    // The claim is a unique key: of the processors (replicas) offered this run, one takes it, and only that one
    // acknowledges and executes it.
    if (held.phase === 'new' && !(await this.runs.claim(run, held.createdAt, Date.now()))) return;
    if (held.phase !== 'acknowledged') {
      const acknowledged = await this.acknowledge(held);
      if (!acknowledged || this.stopped) return;
      if (!(await this.runs.acknowledged(run, held.createdAt, Date.now()))) {
        this.events.warn(`actions processor: run ${run.runId} was acknowledged by another processor: left to it`);
        return;
      }
    }
    if (this.stopped) return;
    const outcome = await this.execute(held);
    if (outcome === undefined || this.stopped) return;
    if (!(await this.report(run, outcome, held.createdAt))) {
      this.events.warn(
        `actions processor: run ${run.runId} was ended by another processor while this one executed it (its hold on the run ran out): its outcome here (${outcome.status}) is not reported`,
      );
    }
  }

  /** Acknowledges the run to Port: true when it is this App's to execute now. */
  private async acknowledge(held: Held): Promise<boolean> {
    const { runId } = held.run;
    let answer: Awaited<ReturnType<PendingRunsSource['acknowledgeRun']>>;
    try {
      answer = await this.source.acknowledgeRun(runId);
    } catch (error) {
      // Port did not answer: the run stays `claimed` here. If the acknowledgement did not reach Port, Port offers the
      // run again after its visibility timeout and it is acknowledged then; if it did, the next start asks again.
      this.events.warn(
        `actions processor: could not acknowledge run ${runId} (it will be asked again): ${(error as Error).message}`,
      );
      return false;
    }
    if (answer.acknowledged) return true;
    await this.runs.forget(runId);
    // Ended meanwhile (cancelled, or ended by hand): nothing to do and nobody to tell.
    if (answer.reason === 'ended') return false;
    this.counts.skipped++;
    this.events.skipped();
    if (held.phase === 'reack') {
      // This App sent an acknowledgement earlier and lost its answer: Port's 409 may be that very acknowledgement.
      const message =
        'wharf sent this run its acknowledgement, then lost the answer (it stopped or Port failed); Port now says the ' +
        'run is acknowledged, by another processor or by that lost request. wharf leaves it: if the run does not ' +
        'progress, run the action again';
      this.events.warn(`run ${runId}: ${message}`);
      await this.write(runId, [{ op: 'log', body: { message } }]);
    }
    return false;
  }

  /**
   * Runs the executor; undefined when the processor stopped under it (the run stays `executing`), or when another
   * replica started the run first (one resuming it as left by a stop).
   */
  private async execute(held: Held): Promise<ExecutionOutcome | undefined> {
    const { run } = held;
    const executor = this.registry.get(run.integrationActionType);
    if (held.problem !== undefined) return { status: 'FAILURE', summary: held.problem };
    if (!executor) return { status: 'FAILURE', summary: this.registry.unknownType(run.integrationActionType) };
    if (!(await this.runs.begin(run.runId, Date.now()))) {
      this.events.warn(`actions processor: run ${run.runId} was started by another processor: left to it`);
      return undefined;
    }
    let repository: Promise<RunRepository> | undefined;
    const context: ExecutorContext = {
      repository: () => (repository ??= this.resolve(run.properties)),
      log: async (message, statusLabel) => {
        await this.write(run.runId, [
          { op: 'log', body: { message: this.redact(message), ...(statusLabel && { statusLabel }) } },
        ]);
      },
      signal: this.stopping.signal,
    };
    if (held.phase === 'acknowledged') {
      await context.log(
        'wharf restarted after acknowledging this run and before executing it; nothing was done on GitHub yet, so it is executed now',
      );
    }
    const holding = this.keepHold(run.runId);
    try {
      return await executor.execute(run, context);
    } catch (error) {
      if (this.stopped) return undefined;
      const message = error instanceof Error ? error.message : String(error);
      const what = error instanceof ExecutionError ? 'failed' : 'failed (a fault of wharf)';
      return { status: 'FAILURE', summary: `${run.integrationActionType} ${what}: ${message}` };
    } finally {
      clearInterval(holding);
    }
  }

  /**
   * Renews this replica's hold on a run it executes, three times a hold, until the execution ends or the processor
   * stops (a run left executing by a stop is then ended by another replica once the hold ran out).
   */
  private keepHold(runId: string): NodeJS.Timeout {
    let renewing = false;
    const timer = setInterval(() => {
      if (this.stopped) {
        clearInterval(timer);
        return;
      }
      if (renewing) return;
      renewing = true;
      this.runs
        .renew(runId, Date.now())
        .then((held) => {
          if (held) return;
          clearInterval(timer);
          this.events.warn(
            `actions processor: run ${runId}: another processor ended it while this one executes it (its hold on the run ran out)`,
          );
        })
        .catch((error: unknown) =>
          this.events.warn(`actions processor: run ${runId}: could not renew its hold: ${(error as Error).message}`),
        )
        .finally(() => {
          renewing = false;
        });
    }, this.runs.holdMs / 3);
    timer.unref();
    return timer;
  }

  /**
   * Reports an outcome to the Port run through the outbox, and records the run finished, in one transaction: the
   * report reaches Port however long Port is away, and is made once. `finish` records it (ActionRuns.finish unless
   * given); false when it finished already (another replica ended it): nothing is reported then.
   */
  private async report(
    run: IntegrationRun,
    outcome: ExecutionOutcome,
    createdAt: number | undefined,
    finish: (now: number, tx: SqlTransaction) => Promise<boolean> = (now, tx) =>
      this.runs.finish(run.runId, outcome.status, now, tx),
  ): Promise<boolean> {
    const summary = this.redact(outcome.summary);
    const patch: Record<string, string> = {};
    if (outcome.link !== undefined) patch.link = outcome.link;
    if (outcome.statusLabel !== undefined) patch.statusLabel = outcome.statusLabel;
    const writes: PortWrite[] = [];
    if (outcome.status === 'IN_PROGRESS') {
      if (outcome.externalRunId !== undefined) patch.externalRunId = outcome.externalRunId;
      if (Object.keys(patch).length > 0) writes.push({ op: 'patch', body: patch });
      writes.push({ op: 'log', body: { message: summary } });
    } else {
      // The summary first, then the log line that ends the run: a retry after a crash between them repeats only
      // the PATCH, which overwrites.
      writes.push({ op: 'patch', body: { ...patch, summary } });
      writes.push({ op: 'log', body: { message: summary, terminationStatus: outcome.status } });
    }
    const finished = await this.state.transaction(async (tx) => {
      const now = Date.now();
      if (!(await finish(now, tx))) return false;
      await enqueuePortWrites(this.state.outbox, run.runId, writes, { now, on: tx });
      return true;
    });
    if (!finished) return false;
    this.outcomes[outcome.status]++;
    this.events.enqueued();
    this.events.executed(outcome.status, createdAt);
    return true;
  }

  private async write(runId: string, writes: PortWrite[]): Promise<void> {
    await enqueuePortWrites(this.state.outbox, runId, writes);
    this.events.enqueued();
  }
}
