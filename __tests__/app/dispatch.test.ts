import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { dispatchWorkflow } from '../../app/dispatch/dispatch-workflow.ts';
import { GithubAccess } from '../../app/github/index.ts';
import { portSignatureHeaders } from '../../src/signing/index.ts';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../helpers/catalog-server.ts';
import {
  createTestProbot,
  GITHUB_API,
  INSTALLATION_ID,
  isolateGithub,
  releaseGithub,
  mockInstallationToken,
} from '../helpers/github-app.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { createOpenRunsAction, getRun, getRunLogs, startOpenRun } from '../helpers/runs.ts';

let catalog: TestCatalog;
let receiver: Receiver;

beforeAll(async () => {
  isolateGithub();
  catalog = await startTestCatalog({
    probot: createTestProbot(),
    app: {
      allowedWorkflows: ['acme/*/*.yml', 'acme/*/*.yaml', 'other/*/*'],
      dispatch: { findRunTimeoutMs: 2000, findRunIntervalMs: 20 },
    },
  });
  receiver = await startReceiver();
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

/** A Port run in progress for the App to dispatch. */
const newRun = (): Promise<string> => startOpenRun(catalog);

async function invoke(body: unknown, headers?: Record<string, string>): Promise<Response> {
  const raw = JSON.stringify(body);
  return fetch(`${catalog.url}/api/port/invocations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(headers ?? portSignatureHeaders(TEST_CREDENTIALS.clientSecret, raw)),
    },
    body: raw,
  });
}

function mockRepository(owner = 'acme', repo = 'deployer'): void {
  nock(GITHUB_API).get(`/orgs/${owner}/installation`).reply(200, { id: INSTALLATION_ID });
  nock(GITHUB_API)
    .get(`/repos/${owner}/${repo}`)
    .reply(200, { id: 777, name: repo, owner: { id: 555, login: owner }, default_branch: 'main' });
}

describe('POST /api/port/invocations', () => {
  test('dispatches with run details, links the run and logs where it went', async () => {
    const runId = await newRun();
    mockRepository();
    let sent: Record<string, unknown> | undefined;
    const dispatch = nock(GITHUB_API)
      .post('/repos/acme/deployer/actions/workflows/deploy.yml/dispatches', (body) => {
        sent = body as Record<string, unknown>;
        return true;
      })
      .reply(200, {
        workflow_run_id: 9001,
        run_url: `${GITHUB_API}/repos/acme/deployer/actions/runs/9001`,
        html_url: 'https://github.com/acme/deployer/actions/runs/9001',
      });
    const response = await invoke({
      runId,
      org: 'acme',
      repo: 'deployer',
      workflow: 'deploy.yml',
      workflowInputs: { version: '1.2.3', replicas: 3, flags: { canary: true }, skipped: null, ref: 'release' },
      reportWorkflowStatus: true,
    });
    expect(response.status).toBe(202);
    await catalog.server.wharfApp.settle();
    expect(dispatch.isDone()).toBe(true);
    expect(sent).toEqual({
      ref: 'release',
      inputs: { version: '1.2.3', replicas: '3', flags: '{"canary":true}' },
      return_run_details: true,
    });
    const run = await getRun(catalog, runId);
    expect(run.link).toEqual(['https://github.com/acme/deployer/actions/runs/9001']);
    expect(run.externalRunId).toBe('gh_555_777_9001');
    expect(run.status).toBe('IN_PROGRESS');
    expect((await getRunLogs(catalog, runId)).map((log) => log.message)).toContain(
      'dispatched deployer deploy.yml on release',
    );
  });

  test('reportWorkflowStatus false: the link, but no external run id to report against', async () => {
    const runId = await newRun();
    mockRepository();
    nock(GITHUB_API)
      .post('/repos/acme/deployer/actions/workflows/deploy.yml/dispatches')
      .reply(200, { workflow_run_id: 9002, html_url: 'https://github.com/acme/deployer/actions/runs/9002' });
    await invoke({
      runId,
      org: 'acme',
      repo: 'deployer',
      workflow: 'deploy.yml',
      workflowInputs: {},
      reportWorkflowStatus: false,
    });
    await catalog.server.wharfApp.settle();
    const run = await getRun(catalog, runId);
    expect(run.link).toEqual(['https://github.com/acme/deployer/actions/runs/9002']);
    expect(run.externalRunId).toBeNull();
  });

  test('the default branch when no ref is given; the run is found by polling when GitHub returns no details', async () => {
    const runId = await newRun();
    mockRepository();
    nock(GITHUB_API).get('/app').reply(200, { id: 123, slug: 'wharf-test' });
    nock(GITHUB_API)
      .post(
        '/repos/acme/deployer/actions/workflows/deploy.yml/dispatches',
        (body: { ref: string; return_run_details?: boolean }) => body.return_run_details === true,
      )
      .reply(422, { message: 'Invalid request. "return_run_details" is not a permitted key.' });
    nock(GITHUB_API)
      .post(
        '/repos/acme/deployer/actions/workflows/deploy.yml/dispatches',
        (body: { ref: string; return_run_details?: boolean }) =>
          body.ref === 'main' && body.return_run_details === undefined,
      )
      .reply(204);
    const now = new Date().toISOString();
    nock(GITHUB_API)
      .get('/repos/acme/deployer/actions/workflows/deploy.yml/runs')
      .query((query) => query.event === 'workflow_dispatch' && query.branch === 'main')
      .reply(200, {
        total_count: 2,
        workflow_runs: [
          {
            id: 9100,
            created_at: now,
            html_url: 'https://github.com/acme/deployer/actions/runs/9100',
            actor: { login: 'someone-else' },
          },
          {
            id: 9101,
            created_at: now,
            html_url: 'https://github.com/acme/deployer/actions/runs/9101',
            actor: { login: 'wharf-test[bot]' },
          },
        ],
      });
    await invoke({ runId, org: 'acme', repo: 'deployer', workflow: 'deploy.yml', workflowInputs: {} });
    await catalog.server.wharfApp.settle();
    const run = await getRun(catalog, runId);
    expect(run.externalRunId).toBe('gh_555_777_9101');
    expect((await getRunLogs(catalog, runId)).map((log) => log.message)).toContain(
      'dispatched deployer deploy.yml on main',
    );
  });

  test.each([
    [
      'an unknown workflow',
      () => {
        mockRepository();
        nock(GITHUB_API)
          .post('/repos/acme/deployer/actions/workflows/ghost.yml/dispatches')
          .reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      },
      { workflow: 'ghost.yml' },
      'Dispatch failed: GitHub refused to dispatch ghost.yml in acme/deployer: Not Found',
    ],
    [
      'a workflow without workflow_dispatch',
      () => {
        mockRepository();
        nock(GITHUB_API)
          .post('/repos/acme/deployer/actions/workflows/ci.yml/dispatches')
          .reply(422, { message: "Workflow does not have 'workflow_dispatch' trigger" });
      },
      { workflow: 'ci.yml' },
      "Dispatch failed: GitHub refused to dispatch ci.yml in acme/deployer: Workflow does not have 'workflow_dispatch' trigger",
    ],
    [
      'an org the App is not installed on',
      () => {
        nock(GITHUB_API).get('/orgs/other/installation').reply(404, { message: 'Not Found' });
        nock(GITHUB_API).get('/users/other/installation').reply(404, { message: 'Not Found' });
      },
      { org: 'other', repo: 'x', workflow: 'deploy.yml' },
      'Dispatch failed: the GitHub App is not installed on "other": install it on that account first',
    ],
    [
      'a repository the App cannot see',
      () => {
        nock(GITHUB_API).get('/orgs/acme/installation').reply(200, { id: INSTALLATION_ID });
        nock(GITHUB_API).get('/repos/acme/secret').reply(404, { message: 'Not Found' });
      },
      { repo: 'secret' },
      'Dispatch failed: the GitHub App cannot see acme/secret: add the repository to the App\'s installation on "acme"',
    ],
    [
      'a workflow outside WHARF_ALLOWED_WORKFLOWS',
      () => {},
      { org: 'stranger' },
      'Dispatch failed: stranger/deployer/deploy.yml is not in WHARF_ALLOWED_WORKFLOWS',
    ],
    [
      'more than 25 inputs',
      () => mockRepository(),
      { workflowInputs: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`input${i}`, 'x'])) },
      'Dispatch failed: workflowInputs has 26 inputs; GitHub accepts at most 25 for a workflow_dispatch',
    ],
  ])('%s ends the run FAILURE with the reason', async (_name, mock, overrides, message) => {
    const runId = await newRun();
    mock();
    const response = await invoke({
      runId,
      org: 'acme',
      repo: 'deployer',
      workflow: 'deploy.yml',
      workflowInputs: {},
      ...overrides,
    });
    expect(response.status).toBe(202);
    await catalog.server.wharfApp.settle();
    const run = await getRun(catalog, runId);
    expect(run.status).toBe('FAILURE');
    expect((await getRunLogs(catalog, runId)).at(-1)!.message).toBe(message);
  });

  test('a contract violation ends the run FAILURE naming the field', async () => {
    const runId = await newRun();
    const response = await invoke({ runId, org: 'acme', repo: 'deployer', workflowInputs: [] });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toBe(
      'invalid invocation: workflow: Invalid input: expected string, received undefined',
    );
    await catalog.server.wharfApp.settle();
    expect((await getRun(catalog, runId)).status).toBe('FAILURE');
    expect((await getRunLogs(catalog, runId)).at(-1)!.message).toBe(
      'Dispatch failed: invalid invocation: workflow: Invalid input: expected string, received undefined',
    );
  });

  test('unsigned, badly signed, stale and replayed requests are refused with 401 and nothing happens', async () => {
    const runId = await newRun();
    const body = { runId, org: 'acme', repo: 'deployer', workflow: 'deploy.yml', workflowInputs: {} };
    const raw = JSON.stringify(body);
    const stale = portSignatureHeaders(TEST_CREDENTIALS.clientSecret, raw, Date.now() - 10 * 60 * 1000);
    const cases: [Record<string, string>, string][] = [
      [{}, 'the request is not signed: x-port-timestamp and x-port-signature are required'],
      [
        portSignatureHeaders('wrong-secret', raw),
        'x-port-signature does not match the body and the Port client secret',
      ],
      [stale, 'x-port-timestamp is more than 300 s away from now'],
    ];
    for (const [headers, message] of cases) {
      const response = await invoke(body, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ ok: false, error: 'unauthorized', message });
    }
    // A correctly signed request is taken once; sent again as it was, it is a replay.
    const signed = portSignatureHeaders(TEST_CREDENTIALS.clientSecret, raw);
    nock(GITHUB_API).get('/orgs/acme/installation').reply(200, { id: INSTALLATION_ID });
    nock(GITHUB_API).get('/repos/acme/deployer').reply(404, { message: 'Not Found' });
    expect((await invoke(body, signed)).status).toBe(202);
    const replay = await invoke(body, signed);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { message: string }).message).toBe(
      'this signed request was already received (replay)',
    );
    await catalog.server.wharfApp.settle();
    // Only the accepted request did anything: one failure log for the unseen repository.
    expect((await getRunLogs(catalog, runId)).filter((log) => log.message.startsWith('Dispatch failed'))).toHaveLength(
      1,
    );
  });

  test('the same run invoked twice (freshly signed) is dispatched once', async () => {
    const runId = await newRun();
    mockRepository();
    const dispatch = nock(GITHUB_API)
      .post('/repos/acme/deployer/actions/workflows/deploy.yml/dispatches')
      .reply(200, { workflow_run_id: 9200, html_url: 'https://github.com/acme/deployer/actions/runs/9200' });
    const body = { runId, org: 'acme', repo: 'deployer', workflow: 'deploy.yml', workflowInputs: {} };
    expect((await invoke(body)).status).toBe(202);
    // As the catalog resends: signed again, a second later.
    const raw = JSON.stringify(body);
    const second = await invoke(body, portSignatureHeaders(TEST_CREDENTIALS.clientSecret, raw, Date.now() + 1000));
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual({ ok: true, runId, duplicate: true });
    await catalog.server.wharfApp.settle();
    expect(dispatch.isDone()).toBe(true);
    expect((await getRunLogs(catalog, runId)).filter((log) => log.message.startsWith('dispatched'))).toHaveLength(1);
  });
});

describe("a dispatch with Octokit's retries on, as in production", () => {
  const github = new GithubAccess(createTestProbot({ octokitRetries: true }));
  const invocation = { runId: 'r_once', org: 'acme', repo: 'deployer', workflow: 'deploy.yml' };
  const dispatch = () =>
    dispatchWorkflow(
      github,
      { ...invocation, workflowInputs: {}, reportWorkflowStatus: true },
      { allowedWorkflows: ['acme/*/*.yml'], findRunTimeoutMs: 100, findRunIntervalMs: 20 },
      () => false,
    );
  const DISPATCHES = '/repos/acme/deployer/actions/workflows/deploy.yml/dispatches';

  test('a read before it, safe to repeat, is retried after a 502', async () => {
    nock(GITHUB_API).get('/repos/acme/deployer').reply(502, { message: 'Server Error' });
    mockRepository();
    nock(GITHUB_API).post(DISPATCHES).reply(200, { workflow_run_id: 9300, html_url: 'https://github.com/run/9300' });
    expect(await dispatch()).toMatchObject({ ok: true, workflowRunId: 9300 });
  });

  test('the dispatch answered 502 is not repeated (a second run could start): it fails as GitHub failing', async () => {
    mockRepository();
    nock(GITHUB_API).post(DISPATCHES).reply(502, { message: 'Server Error' });
    const repeated = nock(GITHUB_API).post(DISPATCHES).reply(200, { workflow_run_id: 9301, html_url: 'x' });
    await expect(dispatch()).rejects.toMatchObject({ status: 502 });
    expect(repeated.isDone()).toBe(false);
  });
});
