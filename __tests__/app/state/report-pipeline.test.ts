import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ReportPipeline } from '../../../app/reporting/report-pipeline.ts';
import type { AppState, Delivery, LinkedRun } from '../../../app/state/index.ts';
import type { SqlTransaction } from '../../../src/sql/index.ts';
import { ENGINES } from '../../sql/engines.ts';
import { NOW, twoReplicas } from './state-engines.ts';

const link = (externalRunId: string): LinkedRun => ({
  externalRunId,
  portRunId: `r_${externalRunId}`,
  installationId: 1,
  owner: 'acme',
  repo: 'svc',
  workflowRunId: 7,
  reportStatus: true,
  reported: false,
});

const WRITES = [{ op: 'log' as const, body: { message: 'done', terminationStatus: 'SUCCESS' as const } }];

/** A pipeline whose deliveries are recorded, and settle when `release` is called (or at once). */
function recordingPipeline(state: AppState, answerWithinMs = 5000, hang = false) {
  const delivered: Delivery[] = [];
  const pipeline = new ReportPipeline(
    state,
    {
      deliverNow: async (delivery) => {
        delivered.push(delivery);
        if (hang) await new Promise(() => undefined);
      },
    },
    { answerWithinMs },
  );
  return { pipeline, delivered };
}

describe.each(ENGINES)('ReportPipeline on $dialect', (engine) => {
  beforeAll(() => engine.setUp('report-pipeline'));
  afterAll(() => engine.tearDown());

  test('one completion delivered to two replicas at once is claimed, enqueued and delivered once', async () => {
    const replicas = await twoReplicas(engine);
    const a = replicas.a;
    // SQLite is one process's store: two handles on one file in one process would wait for each other's write lock
    // synchronously, so there the deliveries race within one process.
    const b = engine.dialect === 'sqlite' ? a : replicas.b;
    await a.link(link('gh_1_2_3'), NOW);
    const onA = recordingPipeline(a);
    const onB = recordingPipeline(b);
    const claim = (state: AppState) => (tx: SqlTransaction) => state.markReported('gh_1_2_3', tx);
    const won = await Promise.all([
      onA.pipeline.report('r_gh_1_2_3', WRITES, claim(a)),
      onB.pipeline.report('r_gh_1_2_3', WRITES, claim(b)),
      onA.pipeline.report('r_gh_1_2_3', WRITES, claim(a)),
      onB.pipeline.report('r_gh_1_2_3', WRITES, claim(b)),
    ]);
    expect(won.filter(Boolean)).toHaveLength(1);
    const delivered = [...onA.delivered, ...onB.delivered];
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.payload).toEqual({ runId: 'r_gh_1_2_3', writes: WRITES });
    // Held by the replica that won: no outbox pass, of either replica, leases it while it is delivered.
    expect(await a.outbox.lease(Date.now(), 10)).toEqual([]);
    expect(await b.outbox.lease(Date.now(), 10)).toEqual([]);
    expect(await a.outbox.depth()).toBe(1);
  });

  test('a claim that throws rolls back: nothing is enqueued, the claim is not kept', async () => {
    const { a } = await twoReplicas(engine);
    await a.link(link('gh_9_9_9'), NOW);
    const { pipeline, delivered } = recordingPipeline(a);
    await expect(
      pipeline.report('r_gh_9_9_9', WRITES, async (tx) => {
        await a.markReported('gh_9_9_9', tx);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(delivered).toEqual([]);
    expect(await a.outbox.depth()).toBe(0);
    expect((await a.linkFor('gh_9_9_9'))!.reported).toBe(false);
  });

  test('a delivery that does not settle is answered after answerWithinMs; the row stays for the outbox', async () => {
    const { a } = await twoReplicas(engine);
    const { pipeline, delivered } = recordingPipeline(a, 50, true);
    const started = Date.now();
    expect(await pipeline.report('r_slow', WRITES, async () => true)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(delivered).toHaveLength(1);
    expect(await a.outbox.depth()).toBe(1);
  });
});
