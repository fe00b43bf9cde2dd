import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { type TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, startFakeGithub } from '../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub, workflowRunPayload } from '../../helpers/github-app.ts';
import { getRun, getRunLogs, waitForLog, waitForRun } from '../../helpers/runs.ts';
import {
  createIntegrationAction,
  type Dispatch,
  runAction,
  serveDispatches,
  startActionsCatalog,
} from './actions-helpers.ts';

const OWNER = 'acme';
const REPO_ID = 8101;
let github: FakeGithub;
let catalog: TestCatalog;
const dispatches: Dispatch[] = [];
const warnings: string[] = [];

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(OWNER, 61);
  github.addRepository({ id: REPO_ID, name: 'deployer', owner: OWNER });
  serveDispatches(github, dispatches, {
    'broken.yml': { status: 422, body: { message: "Workflow does not have 'workflow_dispatch' trigger" } },
  });
  catalog = await startActionsCatalog(github, {
    allowedWorkflows: ['acme/*/*'],
    warn: (message) => warnings.push(message),
  });
  await createIntegrationAction(catalog, 'deploy', 'dispatch_workflow', {
    org: OWNER,
    repo: 'deployer',
    workflow: 'deploy.yml',
    workflowInputs: { version: '{{ .inputs.version }}', port_run_id: '{{ .run.id }}' },
    reportWorkflowStatus: true,
  });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});
beforeEach(() => {
  dispatches.length = 0;
});

const logsOf = async (runId: string): Promise<string[]> => (await getRunLogs(catalog, runId)).map((log) => log.message);

describe('dispatch_workflow through the actions processor', () => {
  test('the whole loop: claimed, acknowledged, dispatched, linked; workflow_run completed ends it SUCCESS', async () => {
    const runId = await runAction(catalog, 'deploy', { version: '1.2.3' });
    const linked = await waitForRun(catalog, runId, (run) => run.externalRunId !== null);
    expect(dispatches).toHaveLength(1);
    const [dispatch] = dispatches as [Dispatch];
    expect(dispatch).toMatchObject({
      owner: OWNER,
      repo: 'deployer',
      workflow: 'deploy.yml',
      ref: 'main',
      inputs: { version: '1.2.3', port_run_id: runId },
    });
    const ownerId = github.repository(OWNER, 'deployer');
    expect(ownerId.id).toBe(REPO_ID);
    expect(linked.status).toBe('IN_PROGRESS');
    expect(linked.link).toEqual([`https://github.com/acme/deployer/actions/runs/${dispatch.workflowRunId}`]);
    expect(linked.externalRunId).toMatch(new RegExp(`^gh_\\d+_${REPO_ID}_${dispatch.workflowRunId}$`));
    expect(await logsOf(runId)).toContain(
      `Dispatched deploy.yml in acme/deployer on main: https://github.com/acme/deployer/actions/runs/${dispatch.workflowRunId}`,
    );

    // GitHub reports the run's end to the App, which ends the Port run.
    const payload = workflowRunPayload('completed', { id: dispatch.workflowRunId, conclusion: 'success' });
    const ownerIdNumber = Number(linked.externalRunId!.split('_')[1]);
    payload.repository = {
      ...payload.repository,
      id: REPO_ID,
      name: 'deployer',
      owner: { id: ownerIdNumber, login: OWNER },
    };
    payload.installation = { id: 61 };
    expect((await deliverWebhook(catalog.url, 'workflow_run', payload)).status).toBe(200);
    const ended = await waitForRun(catalog, runId);
    expect(ended.status).toBe('SUCCESS');
    expect((await logsOf(runId)).at(-1)).toMatch(/completed: success$/);
  });

  test('reportWorkflowStatus false: the run ends SUCCESS once dispatched, with the link and no external run id', async () => {
    await createIntegrationAction(catalog, 'fire-and-forget', 'dispatch_workflow', {
      repo: 'acme/deployer',
      workflow: '.github/workflows/deploy.yml',
      reportWorkflowStatus: false,
    });
    const runId = await runAction(catalog, 'fire-and-forget');
    const run = await waitForRun(catalog, runId);
    expect(run.status).toBe('SUCCESS');
    expect(run.externalRunId).toBeNull();
    expect(run.link).toEqual([`https://github.com/acme/deployer/actions/runs/${dispatches[0]!.workflowRunId}`]);
    expect(run.summary).toMatch(/^Dispatched deploy\.yml in acme\/deployer on main: /);
    expect(dispatches).toHaveLength(1);
  });

  test('an unknown integrationActionType ends the run FAILURE naming it and the types wharf knows', async () => {
    await createIntegrationAction(catalog, 'mystery', 'launch_rocket', { repo: 'deployer' });
    const runId = await runAction(catalog, 'mystery');
    const run = await waitForRun(catalog, runId);
    expect(run.status).toBe('FAILURE');
    const last = (await logsOf(runId)).at(-1)!;
    expect(last).toMatch(/^unknown integrationActionType "launch_rocket": this wharf executes .*dispatch_workflow/);
    expect(last).toContain('create_issue');
    expect(dispatches).toHaveLength(0);
  });

  test('an account the App is not installed on ends the run FAILURE saying so', async () => {
    await createIntegrationAction(catalog, 'elsewhere', 'dispatch_workflow', {
      org: 'nobody',
      repo: 'deployer',
      workflow: 'deploy.yml',
    });
    const runId = await runAction(catalog, 'elsewhere');
    expect((await waitForRun(catalog, runId)).status).toBe('FAILURE');
    expect((await logsOf(runId)).at(-1)).toBe(
      'dispatch_workflow failed: the GitHub App is not installed on "nobody": install it on that account first',
    );
  });

  test('WHARF_ALLOWED_WORKFLOWS refuses a workflow it does not list', async () => {
    github.addInstallation('other', 62);
    github.addRepository({ id: 8102, name: 'tools', owner: 'other' });
    try {
      await createIntegrationAction(catalog, 'not-allowed', 'dispatch_workflow', {
        org: 'other',
        repo: 'tools',
        workflow: 'deploy.yml',
      });
      const runId = await runAction(catalog, 'not-allowed');
      expect((await waitForRun(catalog, runId)).status).toBe('FAILURE');
      expect((await logsOf(runId)).at(-1)).toBe(
        'dispatch_workflow failed: other/tools/deploy.yml is not in WHARF_ALLOWED_WORKFLOWS',
      );
      expect(dispatches).toHaveLength(0);
    } finally {
      github.removeRepository('other', 'tools');
    }
  });

  test("GitHub's refusal ends the run FAILURE with GitHub's message in the log", async () => {
    await createIntegrationAction(catalog, 'broken', 'dispatch_workflow', {
      org: OWNER,
      repo: 'deployer',
      workflow: 'broken.yml',
    });
    const runId = await runAction(catalog, 'broken');
    const run = await waitForRun(catalog, runId);
    expect(run.status).toBe('FAILURE');
    expect(run.summary).toBe(
      "dispatch_workflow failed: GitHub refused to dispatch broken.yml in acme/deployer: Workflow does not have 'workflow_dispatch' trigger",
    );
    expect((await logsOf(runId)).at(-1)).toBe(run.summary);
  });

  test('properties the vendor requires: a missing workflow ends the run FAILURE naming it', async () => {
    await createIntegrationAction(catalog, 'no-workflow', 'dispatch_workflow', { org: OWNER, repo: 'deployer' });
    const runId = await runAction(catalog, 'no-workflow');
    expect((await waitForRun(catalog, runId)).status).toBe('FAILURE');
    expect((await logsOf(runId)).at(-1)).toBe('dispatch_workflow failed: workflow is required');
  });

  test('the status page and /metrics show the processor', async () => {
    const report = (
      await catalog.api<{ actions: Record<string, unknown> }>('GET', '/', undefined, {
        accept: 'application/json',
      })
    ).body;
    expect(report.actions).toMatchObject({ on: true, integrationId: 'wharf-test' });
    expect(report.actions.claimed).toBeGreaterThan(0);
    const metrics = await (await fetch(`${catalog.url}/metrics`)).text();
    expect(metrics).toMatch(/^wharf_action_runs_claimed_total [1-9]/m);
    expect(metrics).toMatch(/^wharf_action_runs_failed_total [1-9]/m);
    const page = await (await fetch(catalog.url)).text();
    expect(page).toContain('Integration actions');
    expect(page).toContain('<code>wharf-test</code>');
  });
});

describe('which repository a run names', () => {
  test('repo alone, with the App on two accounts, is ambiguous: the run ends FAILURE saying so', async () => {
    github.addInstallation('other', 62);
    await createIntegrationAction(catalog, 'ambiguous', 'dispatch_workflow', {
      repo: 'deployer',
      workflow: 'deploy.yml',
    });
    const runId = await runAction(catalog, 'ambiguous');
    expect((await waitForRun(catalog, runId)).status).toBe('FAILURE');
    expect((await logsOf(runId)).at(-1)).toBe(
      'dispatch_workflow failed: repo "deployer" is ambiguous: the GitHub App is installed on acme, other; set org (or repo as owner/repo) to pick one',
    );
    expect(dispatches).toHaveLength(0);
    expect(warnings.filter((warning) => /actions processor/.test(warning))).toEqual([]);
    void getRun;
    void waitForLog;
  });
});
