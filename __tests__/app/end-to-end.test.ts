import { afterAll, beforeAll, expect, test } from '@jest/globals';
import nock from 'nock';
import { example, startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import {
  createTestProbot,
  deliverWebhook,
  GITHUB_API,
  INSTALLATION_ID,
  isolateGithub,
  mockInstallationToken,
  releaseGithub,
  workflowRunPayload,
} from '../helpers/github-app.ts';
import { getRun, getRunLogs, waitForLog, waitForRun } from '../helpers/runs.ts';

let catalog: TestCatalog;
beforeAll(async () => {
  isolateGithub();
  mockInstallationToken();
  catalog = await startTestCatalog({ probot: createTestProbot() });
});
afterAll(async () => {
  await catalog.close();
  releaseGithub();
});

test('report_bug: invoked by the catalog, dispatched by the App, linked, and ended SUCCESS by workflow_run', async () => {
  nock(GITHUB_API).get('/orgs/Port-samples/installation').reply(200, { id: INSTALLATION_ID });
  nock(GITHUB_API)
    .get('/repos/Port-samples/Port-actions')
    .reply(200, { id: 300, name: 'Port-actions', owner: { id: 200, login: 'Port-samples' }, default_branch: 'main' });
  let dispatched: { ref: string; inputs: Record<string, string> } | undefined;
  nock(GITHUB_API)
    .post('/repos/Port-samples/Port-actions/actions/workflows/reportBug.yaml/dispatches', (body) => {
      dispatched = body as typeof dispatched;
      return true;
    })
    .reply(200, { workflow_run_id: 4000, html_url: 'https://github.com/Port-samples/Port-actions/actions/runs/4000' });

  expect((await catalog.api('POST', '/v1/actions', example('action-report-bug-github.json'))).status).toBe(201);
  const started = await catalog.api<{ run: { id: string } }>(
    'POST',
    '/v1/actions/report_bug/runs?run_as=ada@example.com',
    {
      properties: { short_title: 'Login broken', description: 'since 9:00' },
    },
  );
  expect(started.status).toBe(202);
  const runId = started.body.run.id;

  await waitForLog(catalog, runId, /^dispatched Port-actions reportBug.yaml on main$/);
  expect(dispatched).toEqual({
    ref: 'main',
    inputs: {
      port_context: JSON.stringify({ user_first_name: 'ada', user_last_name: null, runId }),
      short_title: 'Login broken',
      description: 'since 9:00',
    },
    return_run_details: true,
  });
  expect(await getRun(catalog, runId)).toMatchObject({
    status: 'IN_PROGRESS',
    link: ['https://github.com/Port-samples/Port-actions/actions/runs/4000'],
    externalRunId: 'gh_200_300_4000',
  });

  const payload = workflowRunPayload('completed', {
    id: 4000,
    name: 'Report a bug',
    conclusion: 'success',
    html_url: 'https://github.com/Port-samples/Port-actions/actions/runs/4000',
  });
  payload.repository = {
    ...payload.repository,
    id: 300,
    name: 'Port-actions',
    owner: { ...payload.repository.owner, id: 200, login: 'Port-samples' },
  };
  expect((await deliverWebhook(catalog.url, 'workflow_run', payload)).status).toBe(200);

  const ended = await waitForRun(catalog, runId);
  expect(ended.status).toBe('SUCCESS');
  expect(ended.summary).toBe(
    `Report a bug #${payload.workflow_run.run_number as number} success: https://github.com/Port-samples/Port-actions/actions/runs/4000`,
  );
  const messages = (await getRunLogs(catalog, runId)).map((log) => log.message);
  // The catalog's "sent" and the App's "dispatched" are written by two parts at about the same time.
  expect(messages.slice(0, 2).sort()).toEqual([
    `Sent to the GitHub App at ${catalog.url}/api/port/invocations for Port-samples/Port-actions reportBug.yaml`,
    'dispatched Port-actions reportBug.yaml on main',
  ]);
  expect(messages.slice(2)).toEqual([
    `GitHub workflow run Report a bug #${payload.workflow_run.run_number as number} completed: success`,
  ]);
});
