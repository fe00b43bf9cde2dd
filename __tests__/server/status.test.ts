import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, TEST_CREDENTIALS, type TestCatalog } from '../helpers/catalog-server.ts';
import { type FakeGithub, startFakeGithub } from '../helpers/fake-github.ts';
import { createTestProbot, deliverWebhook, WEBHOOK_SECRET, workflowRunPayload } from '../helpers/github-app.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import type { StatusReport } from '../../server/status/index.ts';
import { createOpenRunsAction, startOpenRun, waitForLog, waitForRun } from '../helpers/runs.ts';

const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
/** Values that must never reach the page, whatever the App's state. */
const OFF_SECRETS = { WEBHOOK_SECRET: 'whsec-status-do-not-show', PRIVATE_KEY: 'pk-status-do-not-show' };

async function page(url: string, accept = 'text/html'): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${url}/`, { headers: { accept } });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function readyz(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function metrics(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** A sample's value in the Prometheus text format (`name{labels} value`), or undefined. */
function sample(text: string, name: string): number | undefined {
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function expectNoSecrets(text: string): void {
  for (const secret of [TEST_CREDENTIALS.clientSecret, WEBHOOK_SECRET, ...Object.values(OFF_SECRETS)]) {
    expect(text).not.toContain(secret);
  }
  expect(text).not.toMatch(/PRIVATE KEY/);
}

describe('with the GitHub App off', () => {
  let catalog: TestCatalog;
  beforeAll(async () => {
    catalog = await startTestCatalog({ env: { ...OFF_SECRETS } });
  });
  afterAll(async () => {
    await catalog.close();
  });

  test('GET / says the catalog is on, the App is off for want of APP_ID, and links to /setup', async () => {
    const { status, type, text } = await page(catalog.url);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/html/);
    expect(text).toContain(`Embedded catalog on, at <a href="${catalog.url}/v1">`);
    expect(text).toContain('run its actions in the <a href="/console">console</a>.');
    expect(text).toMatch(/Off: it needs <code>APP_ID<\/code>\./);
    expect(text).not.toContain('<code>WEBHOOK_SECRET</code>');
    expect(text).toContain('<a href="/setup">Register the GitHub App</a>');
    expect(text).toContain('<a href="/docs/design.md">');
    expect(text).toMatch(/App: writes to Port<\/td><td>0<\/td><td>empty/);
    expectNoSecrets(text);
  });

  test('the same as JSON with Accept: application/json', async () => {
    const { status, type, text } = await page(catalog.url, 'application/json');
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    const report = JSON.parse(text) as StatusReport;
    expect(report.catalog).toEqual({ embedded: true, url: `${catalog.url}/v1` });
    expect(report.app).toEqual({ on: false, missing: ['APP_ID'], register: '/setup' });
    expect(report.outboxes.app).toEqual({ depth: 0, oldest: null, oldestAgeSeconds: null });
    expect(report.outboxes.catalog).toEqual({ depth: 0, oldest: null, oldestAgeSeconds: null });
    expect(report.configErrors).toEqual([]);
    expectNoSecrets(text);
  });

  test('the documents the page links to are served', async () => {
    const response = await fetch(`${catalog.url}/docs/design.md`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# How wharf is built/);
  });

  test('/readyz answers 200 once the databases are open, /healthz stays a liveness check', async () => {
    const ready = await readyz(catalog.url);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, notReady: [] });
    expect((await fetch(`${catalog.url}/healthz`)).status).toBe(200);
  });

  test('/metrics has the process metrics, the counters of before and the new histograms', async () => {
    const text = await metrics(catalog.url);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    for (const name of [
      'wharf_dispatches_total',
      'wharf_dispatch_failures_total',
      'wharf_reports_total',
      'wharf_report_failures_total',
      'wharf_outbox_depth',
      'wharf_catalog_outbox_depth',
      'wharf_outbox_oldest_age_seconds',
    ]) {
      expect(sample(text, name)).toBe(0);
    }
    for (const name of [
      'wharf_dispatch_latency_seconds',
      'wharf_report_latency_seconds',
      'wharf_outbox_delivery_age_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} histogram`);
      expect(sample(text, `${name}_count`)).toBe(0);
    }
  });
});

describe('with the GitHub App on', () => {
  let github: FakeGithub;
  let catalog: TestCatalog;
  let receiver: Receiver;
  const recorded = workflowRunPayload('completed');
  const owner = recorded.repository.owner;

  /** A full resync of the account's installation, on demand, until it is done. */
  async function resync(account: string): Promise<void> {
    const response = await fetch(`${catalog.url}/api/resync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ owner: account }),
    });
    expect(response.status).toBe(202);
    await catalog.server.wharfApp.sync!.idle();
  }

  beforeAll(async () => {
    github = await startFakeGithub();
    receiver = await startReceiver();
    github.addInstallation(owner.login, 4242);
    github.addInstallation(`evil${HOSTILE}`, 4343);
    github.addRepository({ id: 7001, name: 'api', owner: owner.login });
    catalog = await startTestCatalog({
      probot: createTestProbot({ baseUrl: github.url }),
      app: { sync: { resyncIntervalMs: 0 } },
    });
    await createOpenRunsAction(catalog, receiver.url);
  });
  afterAll(async () => {
    await catalog.close();
    await github.close();
    await receiver.close();
  });

  test('/readyz answers 503 naming github while GitHub refuses GET /app, then 200', async () => {
    github.fault({
      match: (request) => request.method === 'GET' && request.path === '/app',
      answer: { status: 401, body: { message: 'A JSON web token could not be decoded' } },
    });
    const refused = await readyz(catalog.url);
    expect(refused.status).toBe(503);
    expect(refused.body.ready).toBe(false);
    expect(refused.body.notReady).toEqual([
      {
        part: 'github',
        reason: expect.stringMatching(/cannot authenticate to GitHub \(GET \/app\): 401: A JSON web token/),
      },
    ]);
    const accepted = await readyz(catalog.url);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ ready: true, checks: { github: { ok: true } } });
  });

  test('GET / lists the installations with their last resync, escaping what GitHub names', async () => {
    await resync(owner.login);
    const { text } = await page(catalog.url);
    expect(text).toContain('On: GitHub accepts the App');
    expect(text).toContain(`<tr><td>${owner.login}</td><td>4242</td><td class="good">completed (on demand)</td>`);
    expect(text).toContain(`<tr><td>evil${ESCAPED}</td><td>4343</td><td colspan="3">no resync yet</td>`);
    expect(text).not.toContain(HOSTILE);
    expectNoSecrets(text);
  });

  test('a port-app-config.yml that does not parse is listed with its problems, escaped', async () => {
    github.addRepository({
      id: 7002,
      name: 'broken',
      owner: owner.login,
      files: { '.github/port-app-config.yml': `resources: []\n"${HOSTILE}": true\n` },
    });
    await resync(owner.login);
    const report = JSON.parse((await page(catalog.url, 'application/json')).text) as StatusReport;
    expect(report.configErrors).toEqual([
      expect.objectContaining({
        repository: `${owner.login}/broken`,
        file: '.github/port-app-config.yml',
        problems: [{ line: 2, column: 1, field: `["${HOSTILE}"]`, reason: expect.stringMatching(/^unknown key/) }],
      }),
    ]);
    const { text } = await page(catalog.url);
    expect(text).toContain(`<strong>${owner.login}/broken</strong> <code>.github/port-app-config.yml</code>`);
    expect(text).toContain(`line 2, column 1: <code>[&quot;${ESCAPED}&quot;]</code>: unknown key`);
    expect(text).not.toContain(HOSTILE);
  });

  test('a workflow_run delivery moves the report latency and outbox age histograms', async () => {
    const before = await metrics(catalog.url);
    const runId = await startOpenRun(catalog);
    const workflowRunId = 90_001;
    await catalog.api('PATCH', `/v1/actions/runs/${runId}`, {
      externalRunId: `gh_${owner.id}_${recorded.repository.id}_${workflowRunId}`,
    });
    const payload = workflowRunPayload('completed', { id: workflowRunId, conclusion: 'success' });
    expect((await deliverWebhook(catalog.url, 'workflow_run', payload)).status).toBe(200);
    await catalog.server.wharfApp.settle();
    expect((await waitForRun(catalog, runId)).status).toBe('SUCCESS');
    const after = await metrics(catalog.url);
    for (const name of ['wharf_report_latency_seconds_count', 'wharf_outbox_delivery_age_seconds_count']) {
      expect(sample(after, name)).toBeGreaterThan(sample(before, name)!);
    }
    expect(sample(after, 'wharf_reports_total')).toBe(sample(before, 'wharf_reports_total')! + 1);
    expect(sample(after, 'wharf_report_latency_seconds_sum')).toBeGreaterThan(0);
    expectNoSecrets(after);
  });

  test('a dispatched invocation moves the dispatch latency histogram', async () => {
    const before = sample(await metrics(catalog.url), 'wharf_dispatch_latency_seconds_count')!;
    github.fault({
      match: (request) =>
        request.method === 'POST' && /\/actions\/workflows\/deploy\.yml\/dispatches$/.test(request.path),
      answer: {
        status: 200,
        body: { workflow_run_id: 91_000, html_url: 'https://github.com/x/api/actions/runs/91000' },
      },
    });
    const action = {
      identifier: 'deploy',
      title: 'Deploy',
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
      invocationMethod: { type: 'GITHUB', org: owner.login, repo: 'api', workflow: 'deploy.yml' },
    };
    expect((await catalog.api('POST', '/v1/actions', action)).status).toBe(201);
    const started = await catalog.api<{ run: { id: string } }>('POST', '/v1/actions/deploy/runs', { properties: {} });
    expect(started.status).toBe(202);
    await waitForLog(catalog, started.body.run.id, /^dispatched api deploy\.yml on main$/);
    const after = await metrics(catalog.url);
    expect(sample(after, 'wharf_dispatch_latency_seconds_count')).toBe(before + 1);
    expect(sample(after, 'wharf_dispatches_total')).toBe(1);
  });
});
