/**
 * Two actions processors on one App state (two replicas sharing DATABASE_URL, or two handles on one app.sqlite),
 * each offered the same Port runs: the run's claim in the App's state is what makes one of them execute it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  ActionsProcessor,
  DEFAULT_PROCESSOR_SETTINGS,
  ExecutorRegistry,
  type ActionExecutor,
  type PendingRunsSource,
  type ProcessorEvents,
} from '../../../app/actions/index.ts';
import { AppState } from '../../../app/state/index.ts';
import type { ClaimedRun } from '../../../src/port/index.ts';
import { aRun } from '../../port/run-fixture.ts';
import { ENGINES } from '../../sql/engines.ts';
import { twoReplicas } from '../state/state-engines.ts';

const INSTALLATION = 'wharf-replicas';
const TYPE = 'count';

function claimedRun(id: string): ClaimedRun {
  return {
    ...aRun({ id, action: { identifier: 'counted', title: 'Counted', deleted: false } }),
    payload: {
      type: 'INTEGRATION_ACTION',
      installationId: INSTALLATION,
      integrationActionType: TYPE,
      integrationActionExecutionProperties: { n: id },
    },
  };
}

/**
 * A Port that offers `runs` on each processor's first poll (and what `offer` gives on the next), and acknowledges
 * every acknowledgement: as lenient as a Port whose visibility timeout ran out between two claims, so only the App's
 * own records keep a run from running twice.
 */
function lenientPort(runs: string[]): PendingRunsSource & { acknowledged: string[]; offer(ids: string[]): void } {
  let next: string[] | undefined = runs;
  const acknowledged: string[] = [];
  return {
    acknowledged,
    offer(ids) {
      next = ids;
    },
    async claimPendingRuns() {
      const offered = next ?? [];
      next = undefined;
      return offered.map(claimedRun);
    },
    async acknowledgeRun(runId) {
      acknowledged.push(runId);
      return { acknowledged: true };
    },
  };
}

const quiet = (warnings: string[]): ProcessorEvents => ({
  claimed: () => undefined,
  skipped: () => undefined,
  executed: () => undefined,
  pollFailed: () => undefined,
  enqueued: () => undefined,
  warn: (message) => warnings.push(message),
});

function processorOn(
  state: AppState,
  source: PendingRunsSource,
  executor: ActionExecutor,
  warnings: string[],
): ActionsProcessor {
  return new ActionsProcessor({
    source,
    state,
    registry: new ExecutorRegistry([executor]),
    repository: () => Promise.reject(new Error('no repository in these tests')),
    settings: {
      ...DEFAULT_PROCESSOR_SETTINGS,
      installationId: INSTALLATION,
      batchSize: 50,
      pacing: { idleMs: 5, maxIdleMs: 20, errorMs: 10, maxErrorMs: 50 },
      stopWithinMs: 500,
    },
    events: quiet(warnings),
  });
}

/** An executor that counts its executions per run, each taking a little while (so the two replicas overlap). */
function countingExecutor(executions: Map<string, number>): ActionExecutor {
  return {
    type: TYPE,
    async execute(run) {
      executions.set(run.runId, (executions.get(run.runId) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { status: 'SUCCESS', summary: `counted ${run.runId}` };
    },
  };
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(ENGINES)('actions processors of two replicas on $dialect', (engine) => {
  let a: AppState;
  let b: AppState;
  const running: ActionsProcessor[] = [];

  beforeAll(() => engine.setUp('processor-replicas'));
  afterAll(() => engine.tearDown());
  beforeEach(async () => {
    ({ a, b } = await twoReplicas(engine));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((processor) => processor.stop()));
  });

  function start(processor: ActionsProcessor): ActionsProcessor {
    running.push(processor);
    processor.start();
    return processor;
  }

  const deliveries = async (state: AppState): Promise<number> => {
    const [row] = await state.db.query<{ count: number }>(
      "SELECT COUNT(*) AS count FROM deliveries WHERE kind = 'port-writes'",
    );
    return Number(row!.count);
  };

  test('offered the same runs, each run is claimed, acknowledged and executed by one of them', async () => {
    const runIds = Array.from({ length: 30 }, (_, index) => `r_same_${index}`);
    const executions = new Map<string, number>();
    const warnings: string[] = [];
    const [portA, portB] = [lenientPort(runIds), lenientPort(runIds)];
    const first = start(processorOn(a, portA, countingExecutor(executions), warnings));
    const second = start(processorOn(b, portB, countingExecutor(executions), warnings));
    await until(async () => (await a.actionRuns.inState('finished')).length === runIds.length, 'every run finished');
    await Promise.all([first.stop(), second.stop()]);

    expect([...executions.keys()].sort()).toEqual([...runIds].sort());
    expect([...executions.values()].every((count) => count === 1)).toBe(true);
    // A replica that lost a run's claim did not acknowledge it either.
    expect([...portA.acknowledged, ...portB.acknowledged].sort()).toEqual([...runIds].sort());
    expect(first.status().outcomes.SUCCESS + second.status().outcomes.SUCCESS).toBe(runIds.length);
    // One outcome each, in the shared outbox.
    expect(await deliveries(b)).toBe(runIds.length);
    expect(warnings).toEqual([]);
  });

  test('a run left acknowledged is resumed by one of the replicas starting at once, not by both', async () => {
    const run = { runId: 'r_left', integrationActionType: TYPE, properties: { n: 1 } };
    expect(await a.actionRuns.claim(run, undefined, Date.now())).toBe(true);
    await a.actionRuns.setState(run.runId, 'acknowledged', Date.now());
    const executions = new Map<string, number>();
    const warnings: string[] = [];
    const first = start(processorOn(a, lenientPort([]), countingExecutor(executions), warnings));
    const second = start(processorOn(b, lenientPort([]), countingExecutor(executions), warnings));
    await until(async () => (await b.actionRuns.stateOf(run.runId)) === 'finished', 'the run finished');
    await Promise.all([first.stop(), second.stop()]);

    expect(executions.get(run.runId)).toBe(1);
    expect(first.status().outcomes.SUCCESS + second.status().outcomes.SUCCESS).toBe(1);
  });

  test('offered a run another replica claimed and acknowledged, a replica leaves it', async () => {
    const executions = new Map<string, number>();
    const warnings: string[] = [];
    const port = lenientPort([]);
    const processor = start(processorOn(b, port, countingExecutor(executions), warnings));
    await until(async () => processor.status().lastPoll !== undefined, 'a first poll');
    // Meanwhile, replica a claims and acknowledges the run (and is about to execute it); Port offers it to b again.
    const run = { runId: 'r_taken', integrationActionType: TYPE, properties: {} };
    expect(await a.actionRuns.claim(run, undefined, Date.now())).toBe(true);
    expect(await a.actionRuns.acknowledged(run, undefined, Date.now())).toBe(true);
    const claimedBefore = processor.status().claimed;
    port.offer([run.runId]);
    await until(async () => processor.status().claimed > claimedBefore, 'the run offered');
    await processor.idle();
    await processor.stop();

    expect(port.acknowledged).toEqual([]);
    expect(executions.size).toBe(0);
    expect(await a.actionRuns.stateOf(run.runId)).toBe('acknowledged');
    expect(await deliveries(a)).toBe(0);
    expect(warnings).toEqual([]);
  });

  test('acknowledged by two replicas (a lost answer, asked again), a run is recorded and started by one', async () => {
    const run = { runId: 'r_twice', integrationActionType: TYPE, properties: {} };
    expect(await a.actionRuns.claim(run, undefined, Date.now())).toBe(true);
    // b got Port's yes first (its claim row was forgotten by a refused acknowledgement: recorded again)...
    await b.actionRuns.forget(run.runId);
    expect(await b.actionRuns.acknowledged(run, undefined, Date.now())).toBe(true);
    // ... so a's yes, arriving late, finds the run past `claimed`: a leaves it.
    expect(await a.actionRuns.acknowledged(run, undefined, Date.now())).toBe(false);
    expect(await b.actionRuns.begin(run.runId, Date.now())).toBe(true);
    expect(await a.actionRuns.begin(run.runId, Date.now())).toBe(false);
    expect(await a.actionRuns.stateOf(run.runId)).toBe('executing');
  });

  /** An executor whose runs execute until `release()`. */
  function gatedExecutor(executions: Map<string, number>): ActionExecutor & { release(): void } {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return {
      type: TYPE,
      release: () => open(),
      async execute(run) {
        executions.set(run.runId, (executions.get(run.runId) ?? 0) + 1);
        await gate;
        return { status: 'SUCCESS', summary: `counted ${run.runId}` };
      },
    };
  }

  const outcomes = (state: AppState) =>
    state.db.query<{ run_id: string; outcome: string; held_by: string }>(
      "SELECT run_id, outcome, held_by FROM action_runs WHERE state = 'finished' ORDER BY run_id",
    );

  test('a replica starting (and sweeping) while another executes a run for longer than a hold leaves it alone', async () => {
    const HOLD = 300;
    ({ a, b } = await twoReplicas(engine, { a: { runHoldMs: HOLD }, b: { runHoldMs: HOLD } }));
    const executions = new Map<string, number>();
    const warnings: string[] = [];
    const executor = gatedExecutor(executions);
    // On SQLite (one process) a starting processor ends every executing run; the other one starts first there, on
    // the same AppState (two on one file in one process would deadlock), and only sweeps while the run executes.
    const other = engine.dialect === 'sqlite' ? a : b;
    let second: ActionsProcessor | undefined;
    if (engine.dialect === 'sqlite') second = start(processorOn(other, lenientPort([]), executor, warnings));
    const first = start(processorOn(a, lenientPort(['r_long']), executor, warnings));
    await until(async () => (await a.actionRuns.stateOf('r_long')) === 'executing', 'the run executing');
    second ??= start(processorOn(other, lenientPort([]), executor, warnings));
    await until(async () => second.status().lastPoll !== undefined, 'the other replica polling');
    // Several holds long: the executing replica renews its hold, and the other's sweeps find nothing to end.
    await new Promise((resolve) => setTimeout(resolve, 4 * HOLD));
    expect(await b.actionRuns.stateOf('r_long')).toBe('executing');
    executor.release();
    await until(async () => (await b.actionRuns.stateOf('r_long')) === 'finished', 'the run finished');
    await Promise.all([first.stop(), second.stop()]);

    expect(executions.get('r_long')).toBe(1);
    expect(await outcomes(b)).toEqual([{ run_id: 'r_long', outcome: 'SUCCESS', held_by: 'replica-a' }]);
    expect(first.status().outcomes).toEqual({ SUCCESS: 1, FAILURE: 0, IN_PROGRESS: 0 });
    expect(second.status().outcomes).toEqual({ SUCCESS: 0, FAILURE: 0, IN_PROGRESS: 0 });
    expect(await deliveries(b)).toBe(1);
    expect(warnings).toEqual([]);
  });

  test('a run whose executing replica vanished (its hold ran out) is ended FAILURE once, by one of two replicas', async () => {
    const HOLD = 300;
    ({ a, b } = await twoReplicas(engine, { a: { runHoldMs: HOLD }, b: { runHoldMs: HOLD } }));
    // The replica that executed the runs, gone now: its holds are not renewed.
    const gone = new AppState(a.db, { owner: 'replica-gone', runHoldMs: HOLD });
    const leftExecuting = async (runId: string) => {
      const at = Date.now() - 2 * HOLD;
      const run = { runId, integrationActionType: TYPE, properties: {} };
      expect(await gone.actionRuns.claim(run, undefined, at)).toBe(true);
      await gone.actionRuns.setState(runId, 'acknowledged', at);
      expect(await gone.actionRuns.begin(runId, at)).toBe(true);
    };
    // One left before the replicas start (ended by a start), one that lapses while they run (ended by a sweep).
    await leftExecuting('r_gone_before');
    const executions = new Map<string, number>();
    const warnings: string[] = [];
    // SQLite: both processors on one AppState (two on one file in one process would deadlock).
    const replicas = engine.dialect === 'sqlite' ? [a, a] : [a, b];
    const [first, second] = replicas.map((state) =>
      start(processorOn(state, lenientPort([]), countingExecutor(executions), warnings)),
    ) as [ActionsProcessor, ActionsProcessor];
    await until(async () => (await b.actionRuns.stateOf('r_gone_before')) === 'finished', 'the run left ended');
    await until(async () => first.status().lastPoll !== undefined, 'a first poll');
    await until(async () => second.status().lastPoll !== undefined, 'a first poll');
    await leftExecuting('r_gone_while');
    await until(async () => (await b.actionRuns.stateOf('r_gone_while')) === 'finished', 'the run lapsed ended');
    // A few more sweeps, which must not end anything again.
    await new Promise((resolve) => setTimeout(resolve, 2 * HOLD));
    await Promise.all([first.stop(), second.stop()]);

    expect(executions.size).toBe(0);
    const ended = await outcomes(b);
    expect(ended.map(({ run_id, outcome }) => [run_id, outcome])).toEqual([
      ['r_gone_before', 'FAILURE'],
      ['r_gone_while', 'FAILURE'],
    ]);
    for (const { held_by } of ended) expect(['replica-a', 'replica-b']).toContain(held_by);
    expect(first.status().outcomes.FAILURE + second.status().outcomes.FAILURE).toBe(2);
    expect(await deliveries(b)).toBe(2);
    expect(warnings.sort()).toEqual(
      ['r_gone_before', 'r_gone_while'].map(
        (runId) =>
          `run ${runId}: wharf stopped while executing this run's ${TYPE}, so it may or may not have taken effect on GitHub: check there before running the action again`,
      ),
    );
  });
});
