import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, startFakeGithub } from '../../helpers/fake-github.ts';
import { releaseGithub } from '../../helpers/github-app.ts';
import { waitForRun } from '../../helpers/runs.ts';
import { createIntegrationAction, DISPATCHES, runAction, startActionsCatalog } from './actions-helpers.ts';

/**
 * GitHub Enterprise Server without `return_run_details`: a dispatch answers 204 and its run is found by polling. The
 * fake shows each run some time after its dispatch, the first one later than the second, so two dispatches of one
 * workflow that overlapped would each see the other's run first.
 */
let github: FakeGithub;
let catalog: TestCatalog;
const OWNER = 'acme';
const REPO_ID = 8301;
interface ServerRun {
  id: number;
  portRunId: string;
  visibleAt: number;
  createdAt: string;
}
const runs: ServerRun[] = [];
let dispatchCount = 0;
let overlapping = 0;
let maxOverlapping = 0;

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(OWNER, 81);
  github.addRepository({ id: REPO_ID, name: 'deployer', owner: OWNER });
  github.route('POST', DISPATCHES, ({ body }) => {
    const { inputs, return_run_details } = body as { inputs: Record<string, string>; return_run_details?: boolean };
    if (return_run_details) {
      return { status: 422, body: { message: 'Invalid request. "return_run_details" is not a permitted key.' } };
    }
    overlapping += 1;
    maxOverlapping = Math.max(maxOverlapping, overlapping);
    const delay = dispatchCount++ === 0 ? 400 : 50;
    runs.push({
      id: 91_000 + dispatchCount,
      portRunId: inputs.port_run_id!,
      visibleAt: Date.now() + delay,
      createdAt: new Date().toISOString(),
    });
    return { status: 204, body: undefined };
  });
  github.route('GET', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', () => {
    const visible = runs.filter((run) => run.visibleAt <= Date.now());
    // A dispatch is over once its poll can see a run it may take.
    if (visible.length > 0) overlapping = 0;
    return {
      status: 200,
      body: {
        total_count: visible.length,
        workflow_runs: visible.map((run) => ({
          id: run.id,
          created_at: run.createdAt,
          html_url: `https://ghe.example.com/${OWNER}/deployer/actions/runs/${run.id}`,
          actor: { login: 'wharf[bot]' },
        })),
      },
    };
  });
  catalog = await startActionsCatalog(github);
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

test('a signed invocation and an integration action of one workflow take turns, so each Port run gets its own GitHub run', async () => {
  const workflowInputs = { port_run_id: '{{ .run.id }}' };
  await createIntegrationAction(catalog, 'deploy-integration', 'dispatch_workflow', {
    org: OWNER,
    repo: 'deployer',
    workflow: 'deploy.yml',
    workflowInputs,
    reportWorkflowStatus: true,
  });
  const created = await catalog.api('POST', '/v1/actions', {
    identifier: 'deploy-webhook',
    title: 'deploy-webhook',
    trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
    invocationMethod: {
      type: 'GITHUB',
      org: OWNER,
      repo: 'deployer',
      workflow: 'deploy.yml',
      workflowInputs,
      reportWorkflowStatus: true,
    },
  });
  expect(created.status).toBe(201);

  const [first, second] = await Promise.all([
    runAction(catalog, 'deploy-webhook'),
    runAction(catalog, 'deploy-integration'),
  ]);
  const linked = await Promise.all(
    [first, second].map((runId) =>
      waitForRun(catalog, runId, (run) => run.externalRunId !== null || run.status !== 'IN_PROGRESS'),
    ),
  );
  expect(runs).toHaveLength(2);
  for (const run of linked) {
    const dispatched = runs.find((candidate) => candidate.portRunId === run.id);
    expect(run.status).toBe('IN_PROGRESS');
    expect(run.externalRunId).toMatch(new RegExp(`^gh_\\d+_${REPO_ID}_${dispatched!.id}$`));
  }
  expect(maxOverlapping).toBe(1);
});
