import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { AppState, LinkedRun } from '../../../app/state/index.ts';
import { ENGINES } from '../../sql/engines.ts';
import { BIG_RUN_ID, NOW, trueCount, twoReplicas } from './state-engines.ts';

const link = (externalRunId: string, overrides: Partial<LinkedRun> = {}): LinkedRun => ({
  externalRunId,
  portRunId: `r_${externalRunId}`,
  installationId: 3_000_000_001,
  owner: 'acme',
  repo: 'billing',
  workflowRunId: BIG_RUN_ID,
  reportStatus: true,
  reported: false,
  ...overrides,
});

describe.each(ENGINES)('AppState on $dialect', (engine) => {
  let a: AppState;
  let b: AppState;

  beforeAll(() => engine.setUp('app-state'));
  afterAll(() => engine.tearDown());
  beforeEach(async () => {
    ({ a, b } = await twoReplicas(engine));
  });

  describe('invocations', () => {
    test('receiveInvocation records a run once: false on a repeat, whatever its payload', async () => {
      expect(await a.receiveInvocation('r_1', { action: 'deploy', inputs: { n: 1 } }, NOW)).toBe(true);
      expect(await a.receiveInvocation('r_1', { action: 'other' }, NOW + 5)).toBe(false);
      expect(await b.receiveInvocation('r_1', { action: 'other' }, NOW + 6)).toBe(false);
      expect(await a.invocationsIn('received')).toEqual([
        { runId: 'r_1', payload: { action: 'deploy', inputs: { n: 1 } }, receivedAt: NOW },
      ]);
    });

    test('setInvocationState moves a run; invocationsIn lists a state, first received first', async () => {
      await a.receiveInvocation('r_late', { n: 3 }, NOW + 20);
      await a.receiveInvocation('r_b', { n: 2 }, NOW + 10);
      await a.receiveInvocation('r_a', { n: 1 }, NOW + 10);
      await a.setInvocationState('r_b', 'dispatching', NOW + 30);
      await b.setInvocationState('r_late', 'dispatched', NOW + 31);
      await a.setInvocationState('r_unknown', 'failed', NOW + 32);
      expect(await b.invocationsIn('received')).toEqual([{ runId: 'r_a', payload: { n: 1 }, receivedAt: NOW + 10 }]);
      expect((await a.invocationsIn('dispatching')).map((i) => i.runId)).toEqual(['r_b']);
      expect((await a.invocationsIn('dispatched')).map((i) => i.runId)).toEqual(['r_late']);
      expect(await a.invocationsIn('failed')).toEqual([]);
    });

    test('20 callers on two replicas receive one run: exactly one true', async () => {
      expect(await trueCount(20, [a, b], (state, i) => state.receiveInvocation('r_race', { i }, NOW + i))).toBe(1);
      expect(await a.invocationsIn('received')).toHaveLength(1);
    });
  });

  describe('linked runs', () => {
    test('link, then linkFor reads it back, ids past 2^32 included', async () => {
      await a.link(link('gh_1'), NOW);
      expect(await b.linkFor('gh_1')).toEqual(link('gh_1'));
      expect(await b.linkFor('gh_none')).toBeUndefined();
    });

    test('linking again changes the Port run and report_status only: reported stays', async () => {
      await a.link(link('gh_1', { reportStatus: true }), NOW);
      expect(await a.markReported('gh_1')).toBe(true);
      await b.link(link('gh_1', { portRunId: 'r_new', reportStatus: false, owner: 'ignored', repo: 'ignored' }), NOW);
      expect(await a.linkFor('gh_1')).toEqual(
        link('gh_1', { portRunId: 'r_new', reportStatus: false, reported: true }),
      );
    });

    test('openLinks: not reported, first linked first, at most limit', async () => {
      await a.link(link('gh_3'), NOW + 3);
      await a.link(link('gh_1'), NOW + 1);
      await a.link(link('gh_2b'), NOW + 2);
      await a.link(link('gh_2a'), NOW + 2);
      await a.markReported('gh_1');
      expect((await b.openLinks(10)).map((l) => l.externalRunId)).toEqual(['gh_2a', 'gh_2b', 'gh_3']);
      expect((await b.openLinks(2)).map((l) => l.externalRunId)).toEqual(['gh_2a', 'gh_2b']);
    });

    test('markReported is true once; false for a run not linked', async () => {
      await a.link(link('gh_1'), NOW);
      expect(await a.markReported('gh_1')).toBe(true);
      expect(await b.markReported('gh_1')).toBe(false);
      expect(await a.markReported('gh_none')).toBe(false);
      expect((await a.linkFor('gh_1'))?.reported).toBe(true);
    });

    test('20 callers on two replicas mark one run reported: exactly one true', async () => {
      await a.link(link('gh_race'), NOW);
      expect(await trueCount(20, [a, b], (state) => state.markReported('gh_race'))).toBe(1);
    });
  });

  describe('once-keys', () => {
    test('claimOnce is true once while the key lives, and true again once it expired', async () => {
      expect(await a.claimOnce('delivery:1', 1000, NOW)).toBe(true);
      expect(await a.claimOnce('delivery:1', 1000, NOW + 1)).toBe(false);
      expect(await b.claimOnce('delivery:1', 1000, NOW + 999)).toBe(false);
      // Expired but not purged yet (the last purge was at NOW): replaced in the claim's own statement.
      expect(await b.claimOnce('delivery:1', 1000, NOW + 1000)).toBe(true);
      expect(await a.claimOnce('delivery:1', 1000, NOW + 1500)).toBe(false);
      expect(await a.claimOnce('delivery:2', 1000, NOW + 1500)).toBe(true);
    });

    test('releaseOnce gives a claim back', async () => {
      expect(await a.claimOnce('signature:x', 60_000, NOW)).toBe(true);
      await b.releaseOnce('signature:x');
      expect(await b.claimOnce('signature:x', 60_000, NOW + 1)).toBe(true);
      expect(await a.claimOnce('signature:x', 60_000, NOW + 2)).toBe(false);
      await a.releaseOnce('signature:none');
    });

    test('expired keys are purged now and then (at most once a minute per process), live ones kept', async () => {
      const keys = async (): Promise<string[]> =>
        (await a.db.query<{ key: string }>('SELECT key FROM once_keys ORDER BY key')).map((row) => row.key);
      await a.claimOnce('short', 10, NOW);
      await a.claimOnce('long', 120_000, NOW);
      await a.claimOnce('other', 10, NOW + 30_000);
      expect(await keys()).toEqual(['long', 'other', 'short']);
      await a.claimOnce('later', 120_000, NOW + 60_001);
      expect(await keys()).toEqual(['later', 'long']);
    });

    test('20 callers on two replicas claim one key: exactly one true', async () => {
      expect(await trueCount(20, [a, b], (state, i) => state.claimOnce('completion:42', 60_000, NOW + i))).toBe(1);
    });

    test('20 callers on two replicas claim one expired key: exactly one true', async () => {
      await a.claimOnce('completion:old', 10, NOW);
      expect(await trueCount(20, [a, b], (state) => state.claimOnce('completion:old', 60_000, NOW + 100))).toBe(1);
    });
  });

  describe("a caller's transaction", () => {
    test('writes passed the transaction commit together', async () => {
      await a.transaction(async (tx) => {
        expect(await a.claimOnce('event:1', 60_000, NOW, tx)).toBe(true);
        await a.receiveInvocation('r_1', {}, NOW, tx);
        await a.outbox.enqueue({ kind: 'report', orderingKey: 'run:1', payload: { n: 1 } }, NOW, tx);
      });
      expect(await b.claimOnce('event:1', 60_000, NOW + 1)).toBe(false);
      expect(await b.invocationsIn('received')).toHaveLength(1);
      expect(await b.outbox.depth()).toBe(1);
    });

    test('and roll back together: the claim is not taken, no outbox row', async () => {
      const failure = new Error('the dispatch failed');
      await expect(
        a.transaction(async (tx) => {
          await a.claimOnce('event:1', 60_000, NOW, tx);
          await a.link(link('gh_1'), NOW, tx);
          await a.outbox.enqueue({ kind: 'report', orderingKey: 'run:1', payload: {} }, NOW, tx);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await b.claimOnce('event:1', 60_000, NOW + 1)).toBe(true);
      expect(await b.linkFor('gh_1')).toBeUndefined();
      expect(await b.outbox.depth()).toBe(0);
    });
  });

  describe('integration-action runs', () => {
    const run = (runId: string) => ({
      runId,
      integrationActionType: 'dispatch_workflow',
      properties: { workflow: 'deploy.yml', inputs: { env: 'prod' } },
    });

    test('claim is true once; stateOf, setState, finish', async () => {
      expect(await a.actionRuns.claim(run('r_1'), NOW - 5000, NOW)).toBe(true);
      expect(await b.actionRuns.claim(run('r_1'), undefined, NOW + 1)).toBe(false);
      expect(await b.actionRuns.stateOf('r_1')).toBe('claimed');
      expect(await b.actionRuns.stateOf('r_none')).toBeUndefined();
      await b.actionRuns.setState('r_1', 'executing', NOW + 2);
      expect(await a.actionRuns.stateOf('r_1')).toBe('executing');
      await a.actionRuns.finish('r_1', 'SUCCESS', NOW + 3);
      expect(await a.actionRuns.inState('finished')).toEqual([
        { run: run('r_1'), state: 'finished', createdAt: NOW - 5000, claimedAt: NOW },
      ]);
      expect((await a.db.query('SELECT outcome FROM action_runs'))[0]).toEqual({ outcome: 'SUCCESS' });
    });

    test('forget drops a run only while it is claimed', async () => {
      await a.actionRuns.claim(run('r_1'), undefined, NOW);
      await a.actionRuns.claim(run('r_2'), undefined, NOW);
      await a.actionRuns.setState('r_2', 'acknowledged', NOW + 1);
      await b.actionRuns.forget('r_1');
      await b.actionRuns.forget('r_2');
      expect(await a.actionRuns.stateOf('r_1')).toBeUndefined();
      expect(await a.actionRuns.stateOf('r_2')).toBe('acknowledged');
    });

    test('inState: oldest claim first, createdAt undefined when unknown', async () => {
      await a.actionRuns.claim(run('r_c'), undefined, NOW + 2);
      await a.actionRuns.claim(run('r_b'), undefined, NOW + 1);
      await a.actionRuns.claim(run('r_a'), undefined, NOW + 1);
      const claimed = await b.actionRuns.inState('claimed');
      expect(claimed.map((stored) => stored.run.runId)).toEqual(['r_a', 'r_b', 'r_c']);
      expect(claimed[0]).toEqual({ run: run('r_a'), state: 'claimed', createdAt: undefined, claimedAt: NOW + 1 });
    });

    test('20 callers on two replicas claim one run: exactly one true', async () => {
      expect(await trueCount(20, [a, b], (state, i) => state.actionRuns.claim(run('r_race'), undefined, NOW + i))).toBe(
        1,
      );
    });

    const executing = async (runId: string, on: AppState, at: number) => {
      await on.actionRuns.claim(run(runId), undefined, at);
      await on.actionRuns.setState(runId, 'acknowledged', at);
      expect(await on.actionRuns.begin(runId, at)).toBe(true);
    };
    const holds = (state: AppState) =>
      state.db.query<{ run_id: string; held_by: string | null; held_until: number | null }>(
        'SELECT run_id, held_by, held_until FROM action_runs ORDER BY run_id',
      );

    test('begin holds the run for its replica; renew extends the hold while it is that replica’s', async () => {
      const { holdMs } = a.actionRuns;
      await executing('r_1', a, NOW);
      expect(await holds(b)).toEqual([{ run_id: 'r_1', held_by: 'replica-a', held_until: NOW + holdMs }]);
      expect(await b.actionRuns.renew('r_1', NOW + 10)).toBe(false);
      expect(await a.actionRuns.renew('r_1', NOW + 10)).toBe(true);
      expect(await holds(b)).toEqual([{ run_id: 'r_1', held_by: 'replica-a', held_until: NOW + 10 + holdMs }]);
    });

    test('abandoned and endAbandoned: only runs whose hold ran out, or begun before a time; one ender', async () => {
      const { holdMs } = a.actionRuns;
      await executing('r_live', a, NOW);
      await executing('r_gone', a, NOW - holdMs);
      // A row executing before migration 7: no hold, so nobody's.
      await executing('r_old', a, NOW);
      await a.db.run("UPDATE action_runs SET held_by = NULL, held_until = NULL WHERE run_id = 'r_old'");
      const ids = (stored: { run: { runId: string } }[]) => stored.map((one) => one.run.runId).sort();
      expect(ids(await b.actionRuns.abandoned(NOW))).toEqual(['r_gone', 'r_old']);
      // At a start on SQLite: whatever began before it, live hold or not.
      expect(ids(await b.actionRuns.abandoned(NOW, NOW + 1))).toEqual(['r_gone', 'r_live', 'r_old']);
      expect(await b.actionRuns.endAbandoned('r_live', 'FAILURE', NOW)).toBe(false);
      // SQLite: concurrent statements on one file from one process are raced within one AppState.
      const enders = engine.dialect === 'sqlite' ? [b] : [a, b];
      expect(await trueCount(20, enders, (state) => state.actionRuns.endAbandoned('r_gone', 'FAILURE', NOW))).toBe(1);
      expect(await trueCount(20, enders, (state) => state.actionRuns.endAbandoned('r_old', 'FAILURE', NOW))).toBe(1);
      expect(await a.actionRuns.stateOf('r_gone')).toBe('finished');
      expect(await a.actionRuns.stateOf('r_live')).toBe('executing');
      // The replica that lost its hold cannot renew it, nor finish the run a second time.
      expect(await a.actionRuns.renew('r_gone', NOW)).toBe(false);
      expect(await a.actionRuns.finish('r_gone', 'SUCCESS', NOW)).toBe(false);
      expect(await a.db.query("SELECT outcome FROM action_runs WHERE run_id = 'r_gone'")).toEqual([
        { outcome: 'FAILURE' },
      ]);
      expect(await a.actionRuns.finish('r_live', 'SUCCESS', NOW)).toBe(true);
      expect(await b.actionRuns.abandoned(NOW + 10 * holdMs, NOW + 1)).toEqual([]);
    });
  });
});
