import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, startFakeGithub } from '../../helpers/fake-github.ts';
import { releaseGithub } from '../../helpers/github-app.ts';
import { getRunLogs, waitForRun } from '../../helpers/runs.ts';
import { type FaultProxy, startFaultProxy } from '../../port/fault-proxy.ts';
import {
  createIntegrationAction,
  type Dispatch,
  INTEGRATION_ID,
  runAction,
  serveDispatches,
  startActionsCatalog,
} from './actions-helpers.ts';

let github: FakeGithub;
const dispatches: Dispatch[] = [];
const open: TestCatalog[] = [];

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation('acme', 71);
  github.addRepository({ id: 8201, name: 'deployer', owner: 'acme' });
  serveDispatches(github, dispatches);
});
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
  dispatches.length = 0;
});
afterAll(async () => {
  await github.close();
  releaseGithub();
});

const DEPLOY = {
  org: 'acme',
  repo: 'deployer',
  workflow: 'deploy.yml',
  workflowInputs: { port_run_id: '{{ .run.id }}' },
  reportWorkflowStatus: false,
};

async function started(catalog: Promise<TestCatalog>): Promise<TestCatalog> {
  const running = await catalog;
  open.push(running);
  return running;
}

const RUNS = 12;

/** Claims the run as a processor would, once the catalog made it claimable (its invocation runs in the background). */
async function claimWhenPending(
  catalog: TestCatalog,
  runId: string,
): Promise<{ id: string; payload: { integrationActionExecutionProperties: Record<string, unknown> } }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const claim = await catalog.api<{
      runs: Array<{ id: string; payload: { integrationActionExecutionProperties: Record<string, unknown> } }>;
    }>('POST', '/v1/actions/runs/claim-pending', { installationId: INTEGRATION_ID, limit: 10 });
    const run = claim.body.runs.find((claimed) => claimed.id === runId);
    if (run) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} never became claimable`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const dispatchesOf = (runId: string): Dispatch[] => dispatches.filter((d) => d.inputs.port_run_id === runId);

describe('several processors, restarts, Port away', () => {
  // Each process keeps its dispatches one second apart (Probot's throttling of writes): 12 runs take some 6 s.
  test('two processors polling one catalog execute each run once', async () => {
    // Two runs per claim at most, so neither processor can take the whole queue in one poll.
    const small = { batchSize: 2 };
    const catalog = await started(startActionsCatalog(github, { actions: small }));
    const second = await started(startActionsCatalog(github, { portBaseUrl: catalog.url, actions: small }));
    await createIntegrationAction(catalog, 'deploy', 'dispatch_workflow', DEPLOY);
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) runIds.push(await runAction(catalog, 'deploy'));
    for (const runId of runIds) expect((await waitForRun(catalog, runId)).status).toBe('SUCCESS');
    expect(dispatches).toHaveLength(RUNS);
    for (const runId of runIds) expect(dispatchesOf(runId)).toHaveLength(1);
    const first = catalog.server.wharfApp.actionsStatus()!;
    const other = second.server.wharfApp.actionsStatus()!;
    // Every run executed by exactly one of them; a run both claimed (after a visibility timeout) was acknowledged once.
    expect(first.outcomes.SUCCESS + other.outcomes.SUCCESS).toBe(RUNS);
    expect(first.outcomes.SUCCESS).toBeGreaterThan(0);
    expect(other.outcomes.SUCCESS).toBeGreaterThan(0);
  }, 60_000);

  test('stopped after acknowledging and before executing: the next start executes the run, saying so', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-actions-'));
    const before = await startActionsCatalog(github, { dataDir, actions: { enabled: false } });
    await createIntegrationAction(before, 'deploy', 'dispatch_workflow', DEPLOY);
    const runId = await runAction(before, 'deploy');
    // What a process leaves when it stops between the acknowledgement and the executor's start.
    const claimed = await claimWhenPending(before, runId);
    expect((await before.api('PATCH', '/v1/actions/runs/ack', { runId })).status).toBe(200);
    const runs = before.server.wharfApp.state.actionRuns;
    const properties = claimed.payload.integrationActionExecutionProperties;
    await runs.claim({ runId, integrationActionType: 'dispatch_workflow', properties }, undefined, Date.now());
    await runs.setState(runId, 'acknowledged', Date.now());
    await before.close({ keepData: true });

    const after = await started(startActionsCatalog(github, { dataDir }));
    const run = await waitForRun(after, runId);
    expect(run.status).toBe('SUCCESS');
    expect(dispatchesOf(runId)).toHaveLength(1);
    const logs = (await getRunLogs(after, runId)).map((log) => log.message);
    expect(logs[0]).toMatch(/^wharf restarted after acknowledging this run and before executing it; .* executed now$/);
  });

  test('stopped while executing: the next start ends the run FAILURE saying to check GitHub, and does not execute it again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-actions-'));
    const hanging = { type: 'dispatch_workflow', execute: () => new Promise<never>(() => {}) };
    const before = await startActionsCatalog(github, { dataDir, actions: { executors: [hanging] } });
    await createIntegrationAction(before, 'deploy', 'dispatch_workflow', DEPLOY);
    const runId = await runAction(before, 'deploy');
    const runs = before.server.wharfApp.state.actionRuns;
    const deadline = Date.now() + 5000;
    while ((await runs.stateOf(runId)) !== 'executing' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await runs.stateOf(runId)).toBe('executing');
    await before.close({ keepData: true });

    const after = await started(startActionsCatalog(github, { dataDir }));
    const run = await waitForRun(after, runId);
    expect(run.status).toBe('FAILURE');
    expect(run.summary).toBe(
      "wharf stopped while executing this run's dispatch_workflow, so it may or may not have taken effect on GitHub: check there before running the action again",
    );
    expect(dispatchesOf(runId)).toHaveLength(0);
  });

  test('Port unreachable while polling: the processor backs off, then claims and executes what waited', async () => {
    const catalog = await started(startActionsCatalog(github, { actions: { enabled: false } }));
    const proxy: FaultProxy = await startFaultProxy(catalog.url);
    try {
      proxy.inject({ path: '/v1/actions/runs/claim-pending', times: 4, action: { reset: 'before-forwarding' } });
      const warnings: string[] = [];
      const app = await started(
        startActionsCatalog(github, { portBaseUrl: proxy.url, warn: (message) => warnings.push(message) }),
      );
      await createIntegrationAction(catalog, 'deploy', 'dispatch_workflow', DEPLOY);
      const runIds = [await runAction(catalog, 'deploy'), await runAction(catalog, 'deploy')];
      for (const runId of runIds) expect((await waitForRun(catalog, runId)).status).toBe('SUCCESS');
      for (const runId of runIds) expect(dispatchesOf(runId)).toHaveLength(1);
      expect(warnings.some((warning) => /could not claim runs from Port \(1 failed poll in a row/.test(warning))).toBe(
        true,
      );
      const claims = proxy.requests.filter((request) => request.path === '/v1/actions/runs/claim-pending');
      expect(claims.filter((request) => request.fault).length).toBe(4);
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      expect(metrics).toMatch(/^wharf_action_poll_errors_total 4$/m);
    } finally {
      await proxy.close();
    }
  });
});
