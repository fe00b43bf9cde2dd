import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import {
  createTestProbot,
  deliverWebhook,
  GITHUB_API,
  isolateGithub,
  releaseGithub,
  mockInstallationToken,
  workflowRunPayload,
} from '../helpers/github-app.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { createOpenRunsAction, getRun, getRunLogs, startOpenRun, waitForRun } from '../helpers/runs.ts';
import { type FaultProxy, startFaultProxy } from '../port/fault-proxy.ts';

let catalog: TestCatalog;
let receiver: Receiver;
const recorded = workflowRunPayload('completed');
const OWNER = recorded.repository.owner;
const REPO = recorded.repository;
let nextWorkflowRun = 50_000;

beforeAll(async () => {
  isolateGithub();
  receiver = await startReceiver();
  catalog = await startTestCatalog({ probot: createTestProbot() });
  await createOpenRunsAction(catalog, receiver.url);
});
beforeEach(() => {
  mockInstallationToken();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(async () => {
  await catalog.close();
  await receiver.close();
  releaseGithub();
});

/** A Port run in progress, linked (as the vendor's integration would) to a new GitHub run of the recorded repo. */
async function linkedRun(on: TestCatalog = catalog): Promise<{ runId: string; workflowRunId: number }> {
  const runId = await startOpenRun(on);
  const workflowRunId = nextWorkflowRun++;
  await on.api('PATCH', `/v1/actions/runs/${runId}`, { externalRunId: `gh_${OWNER.id}_${REPO.id}_${workflowRunId}` });
  return { runId, workflowRunId };
}

function completed(workflowRunId: number, conclusion: string | null, extra: Record<string, unknown> = {}) {
  return workflowRunPayload('completed', { id: workflowRunId, conclusion, ...extra });
}

function mockJobs(workflowRunId: number, jobs: { name: string; conclusion: string }[]): nock.Scope {
  return nock(GITHUB_API)
    .get(`/repos/${OWNER.login}/${REPO.name}/actions/runs/${workflowRunId}/attempts/1/jobs`)
    .query(true)
    .reply(200, { total_count: jobs.length, jobs });
}

describe('workflow_run completed', () => {
  test.each(['success', 'skipped', 'neutral'])(
    '%s ends the Port run SUCCESS with a log line and a summary',
    async (conclusion) => {
      const { runId, workflowRunId } = await linkedRun();
      const response = await deliverWebhook(catalog.url, 'workflow_run', completed(workflowRunId, conclusion));
      expect(response.status).toBe(200);
      await catalog.server.wharfApp.settle();
      const run = await getRun(catalog, runId);
      expect(run.status).toBe('SUCCESS');
      expect(run.summary).toBe(
        `${recorded.workflow_run.name || 'Workflow'} #${recorded.workflow_run.run_number} ${conclusion}: ${recorded.workflow_run.html_url}`,
      );
      const logs = (await getRunLogs(catalog, runId)).map((log) => log.message);
      expect(logs.at(-1)).toBe(`GitHub workflow run #${recorded.workflow_run.run_number} completed: ${conclusion}`);
    },
  );

  test('a secret in the run name or a job name is redacted in the summary and the log line', async () => {
    const secret = 'sekret-token-4711';
    const withSecrets = await startTestCatalog({ probot: createTestProbot(), secrets: { token: secret } });
    try {
      await createOpenRunsAction(withSecrets, receiver.url);
      const { runId, workflowRunId } = await linkedRun(withSecrets);
      mockJobs(workflowRunId, [{ name: `deploy ${secret}`, conclusion: 'failure' }]);
      await deliverWebhook(
        withSecrets.url,
        'workflow_run',
        completed(workflowRunId, 'failure', { name: `Deploy ${secret}` }),
      );
      await withSecrets.server.wharfApp.settle();
      const run = await getRun(withSecrets, runId);
      expect(run.status).toBe('FAILURE');
      expect(run.summary).toMatch(/^Deploy \*\*\* #/);
      const last = (await getRunLogs(withSecrets, runId)).at(-1)!.message;
      expect(last).toMatch(/^GitHub workflow run Deploy \*\*\* #\d+ completed: failure; failed jobs: deploy \*\*\*$/);
      expect(JSON.stringify(await getRunLogs(withSecrets, runId))).not.toContain(secret);
    } finally {
      await withSecrets.close();
    }
  });

  test.each(['failure', 'cancelled', 'timed_out', 'action_required', 'stale', 'startup_failure'])(
    '%s ends the Port run FAILURE naming the failed jobs',
    async (conclusion) => {
      const { runId, workflowRunId } = await linkedRun();
      const jobs = mockJobs(workflowRunId, [
        { name: 'build', conclusion: 'success' },
        { name: 'test', conclusion: 'failure' },
        { name: 'lint', conclusion: 'failure' },
      ]);
      await deliverWebhook(catalog.url, 'workflow_run', completed(workflowRunId, conclusion));
      await catalog.server.wharfApp.settle();
      expect(jobs.isDone()).toBe(true);
      expect((await getRun(catalog, runId)).status).toBe('FAILURE');
      expect((await getRunLogs(catalog, runId)).at(-1)!.message).toBe(
        `GitHub workflow run #${recorded.workflow_run.run_number} completed: ${conclusion}; failed jobs: test, lint`,
      );
    },
  );

  test('a redelivery, a second delivery of the same completion and a re-run attempt write nothing twice', async () => {
    const { runId, workflowRunId } = await linkedRun();
    const payload = completed(workflowRunId, 'success');
    await deliverWebhook(catalog.url, 'workflow_run', payload, 'delivery-1');
    await deliverWebhook(catalog.url, 'workflow_run', payload, 'delivery-1');
    await deliverWebhook(catalog.url, 'workflow_run', payload, 'delivery-2');
    mockJobs(workflowRunId, [{ name: 'test', conclusion: 'failure' }]);
    await deliverWebhook(
      catalog.url,
      'workflow_run',
      completed(workflowRunId, 'failure', { run_attempt: 2 }),
      'delivery-3',
    );
    await catalog.server.wharfApp.settle();
    const run = await getRun(catalog, runId);
    expect(run.status).toBe('SUCCESS');
    const completions = (await getRunLogs(catalog, runId)).filter((log) => log.message.includes('completed:'));
    expect(completions).toHaveLength(1);
    expect(catalog.server.wharfApp.metrics.value('wharf_reports_total')).toBeGreaterThan(0);
  });

  test('deliveries of one completion arriving together report it once', async () => {
    const { runId, workflowRunId } = await linkedRun();
    const payload = completed(workflowRunId, 'success');
    const responses = await Promise.all(
      ['together-1', 'together-2', 'together-3', 'together-1'].map((id) =>
        deliverWebhook(catalog.url, 'workflow_run', payload, id),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    await catalog.server.wharfApp.settle();
    expect((await getRun(catalog, runId)).status).toBe('SUCCESS');
    const completions = (await getRunLogs(catalog, runId)).filter((log) => log.message.includes('completed:'));
    expect(completions).toHaveLength(1);
  });

  test('the delivery is answered once the report is in Port, with nothing left in the outbox', async () => {
    const { runId, workflowRunId } = await linkedRun();
    const response = await deliverWebhook(catalog.url, 'workflow_run', completed(workflowRunId, 'success'));
    expect(response.status).toBe(200);
    // No settle(): the answer itself says the writes are done.
    expect((await getRun(catalog, runId)).status).toBe('SUCCESS');
    expect(catalog.server.wharfApp.metrics.value('wharf_outbox_depth')).toBe(0);
  });

  test('a Port run that already ended is left as it is', async () => {
    const { runId, workflowRunId } = await linkedRun();
    await catalog.api('PATCH', `/v1/actions/runs/${runId}`, { status: 'FAILURE', summary: 'stopped by hand' });
    await deliverWebhook(catalog.url, 'workflow_run', completed(workflowRunId, 'success'));
    await catalog.server.wharfApp.settle();
    const run = await getRun(catalog, runId);
    expect(run).toMatchObject({ status: 'FAILURE', summary: 'stopped by hand' });
    expect((await getRunLogs(catalog, runId)).some((log) => log.message.includes('completed:'))).toBe(false);
  });

  test('a run nobody linked is ignored; a badly signed delivery is refused', async () => {
    const response = await deliverWebhook(catalog.url, 'workflow_run', completed(999_999, 'success'));
    expect(response.status).toBe(200);
    const forged = await deliverWebhook(
      catalog.url,
      'workflow_run',
      completed(999_998, 'success'),
      undefined,
      'not-the-secret',
    );
    expect(forged.status).toBe(400);
  });
});

describe('workflow_run requested and in_progress', () => {
  test('keep the label and link current', async () => {
    const { runId, workflowRunId } = await linkedRun();
    const html = `https://github.com/${OWNER.login}/${REPO.name}/actions/runs/${workflowRunId}`;
    await deliverWebhook(
      catalog.url,
      'workflow_run',
      workflowRunPayload('requested', { id: workflowRunId, html_url: html }),
    );
    await catalog.server.wharfApp.settle();
    expect(await getRun(catalog, runId)).toMatchObject({ statusLabel: 'Queued', link: [html], status: 'IN_PROGRESS' });
    await deliverWebhook(
      catalog.url,
      'workflow_run',
      workflowRunPayload('in_progress', { id: workflowRunId, html_url: html, status: 'in_progress' }),
    );
    await catalog.server.wharfApp.settle();
    expect(await getRun(catalog, runId)).toMatchObject({ statusLabel: 'Running', status: 'IN_PROGRESS' });
  });

  test('a run started elsewhere opts in with the Port run id in its run-name', async () => {
    const runId = await startOpenRun(catalog);
    const workflowRunId = nextWorkflowRun++;
    const html = `https://github.com/${OWNER.login}/${REPO.name}/actions/runs/${workflowRunId}`;
    const runName = { id: workflowRunId, html_url: html, display_title: `Deploy billing (${runId})` };
    await deliverWebhook(catalog.url, 'workflow_run', workflowRunPayload('requested', runName));
    await catalog.server.wharfApp.settle();
    expect(await getRun(catalog, runId)).toMatchObject({
      link: [html],
      externalRunId: `gh_${OWNER.id}_${REPO.id}_${workflowRunId}`,
      statusLabel: 'Queued',
    });
    await deliverWebhook(catalog.url, 'workflow_run', completed(workflowRunId, 'success', runName));
    await catalog.server.wharfApp.settle();
    expect((await getRun(catalog, runId)).status).toBe('SUCCESS');
    expect((await getRunLogs(catalog, runId)).map((log) => log.message)).toContain(
      `linked GitHub workflow run ${html} (run-name opt-in)`,
    );
  });
});

describe('nothing is lost', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(catalog.url);
  });
  afterAll(async () => proxy.close());

  test('Port down at completion: the report waits in the outbox, survives a restart and lands when Port is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-app-'));
    try {
      const { runId, workflowRunId } = await linkedRun();
      // An App of its own, reporting to the catalog through the proxy, which now answers 503 to everything.
      proxy.inject({ path: /.*/, times: 10_000, action: { status: 503 } });
      const first = await startTestCatalog({ dataDir, portBaseUrl: proxy.url, probot: createTestProbot() });
      const delivered = await deliverWebhook(first.url, 'workflow_run', completed(workflowRunId, 'success'));
      expect(delivered.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(first.server.wharfApp.metrics.value('wharf_outbox_depth')).toBe(1);
      expect((await getRun(catalog, runId)).status).toBe('IN_PROGRESS');
      await first.close({ keepData: true });

      proxy.reset();
      const second = await startTestCatalog({ dataDir, portBaseUrl: proxy.url, probot: createTestProbot() });
      await waitForRun(catalog, runId);
      expect((await getRun(catalog, runId)).status).toBe('SUCCESS');
      await second.server.wharfApp.settle();
      expect(second.server.wharfApp.metrics.value('wharf_outbox_depth')).toBe(0);
      await second.close({ keepData: true });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('Port not answering: the delivery is still answered in time, and the report stays in the outbox', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-app-'));
    const silent = await startFaultProxy(catalog.url);
    try {
      const { runId, workflowRunId } = await linkedRun();
      silent.inject({ method: 'PATCH', path: `/v1/actions/runs/${runId}`, action: { hang: 'before-forwarding' } });
      const app = await startTestCatalog({
        dataDir,
        portBaseUrl: silent.url,
        probot: createTestProbot(),
        app: { answerWithinMs: 300 },
      });
      const started = Date.now();
      const delivered = await deliverWebhook(app.url, 'workflow_run', completed(workflowRunId, 'success'));
      expect(delivered.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(app.server.wharfApp.metrics.value('wharf_outbox_depth')).toBe(1);
      expect((await getRun(catalog, runId)).status).toBe('IN_PROGRESS');
      // The silent Port goes away: the write fails over to the outbox's retries instead of hanging the shutdown.
      await silent.close();
      await app.close({ keepData: true });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('the reconciler reports a run whose webhook never came', async () => {
    // Dispatched by this App, so it knows the link; then GitHub's completed webhook is lost.
    const runId = await startOpenRun(catalog);
    const { portSignatureHeaders } = await import('../../src/signing/index.ts');
    const { TEST_CREDENTIALS } = await import('../helpers/catalog-server.ts');
    nock(GITHUB_API).get('/orgs/acme/installation').reply(200, { id: 4242 });
    nock(GITHUB_API)
      .get('/repos/acme/svc')
      .reply(200, { id: 11, owner: { id: 22, login: 'acme' }, default_branch: 'main' });
    nock(GITHUB_API)
      .post('/repos/acme/svc/actions/workflows/deploy.yml/dispatches')
      .reply(200, { workflow_run_id: 7777, html_url: 'https://github.com/acme/svc/actions/runs/7777' });
    const body = JSON.stringify({ runId, org: 'acme', repo: 'svc', workflow: 'deploy.yml', workflowInputs: {} });
    await fetch(`${catalog.url}/api/port/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...portSignatureHeaders(TEST_CREDENTIALS.clientSecret, body) },
      body,
    });
    await catalog.server.wharfApp.settle();
    expect((await getRun(catalog, runId)).externalRunId).toBe('gh_22_11_7777');

    nock(GITHUB_API).get('/repos/acme/svc/actions/runs/7777').reply(200, {
      id: 7777,
      name: 'Deploy',
      run_number: 12,
      run_attempt: 1,
      status: 'completed',
      conclusion: 'success',
      html_url: 'https://github.com/acme/svc/actions/runs/7777',
    });
    expect(await catalog.server.wharfApp.reconciler!.reconcile()).toBe(1);
    await catalog.server.wharfApp.settle();
    expect((await getRun(catalog, runId)).status).toBe('SUCCESS');
    expect((await getRunLogs(catalog, runId)).at(-1)!.message).toBe(
      'GitHub workflow run Deploy #12 completed: success',
    );
    // Reported once: a later pass finds nothing open.
    expect(await catalog.server.wharfApp.reconciler!.reconcile()).toBe(0);
  });
});
