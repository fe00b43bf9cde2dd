/**
 * INTEGRATION_ACTION runs in the embedded catalog (issue 13): the run waits, IN_PROGRESS, with its rendered payload
 * until its installation claims it (POST /v1/actions/runs/claim-pending) and acknowledges it (PATCH
 * /v1/actions/runs/ack), as the vendor's Ocean actions processor does.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createPortClient, type PortClient } from '../../src/port/index.ts';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../helpers/catalog-server.ts';
import { type RunBody, startRun, waitForRun } from '../helpers/runs.ts';

type Payload = {
  type: string;
  installationId: string;
  integrationActionType: string;
  integrationActionExecutionProperties: Record<string, unknown>;
};
type PendingRun = RunBody & { payload?: Payload };
type ErrorBody = { ok: false; error: string; message: string };

let catalog: TestCatalog;
let client: PortClient;

beforeAll(async () => {
  catalog = await startTestCatalog({ secrets: { TOKEN: 'not-for-integrations' } });
  client = createPortClient({ baseUrl: catalog.url, ...TEST_CREDENTIALS, sleep: async () => {} });
});
afterAll(async () => {
  await catalog.close();
});

let counter = 0;
const nextInstallation = () => `installation-${++counter}`;

function integrationAction(identifier: string, invocationMethod: Record<string, unknown>) {
  return {
    identifier,
    title: identifier,
    trigger: {
      type: 'self-service',
      operation: 'CREATE',
      userInputs: { properties: { name: { type: 'string' }, count: { type: 'number' } } },
    },
    invocationMethod,
  };
}

const dispatchWorkflow = (installationId: string) => ({
  type: 'INTEGRATION_ACTION',
  installationId,
  integrationProvider: 'GITHUB',
  integrationActionType: 'dispatch_workflow',
  integrationActionExecutionProperties: {
    org: 'acme',
    repo: '{{ .inputs.name }}',
    workflow: 'deploy.yml',
    workflowInputs: { count: '{{ .inputs.count }}', runId: '{{ .run.id }}', by: 'run {{ .run.id }}' },
    reportWorkflowStatus: true,
  },
});

/** An action of `installationId` and `count` runs of it, each claimable (its payload rendered), oldest first. */
async function pendingRuns(installationId: string, count: number): Promise<PendingRun[]> {
  const identifier = `deploy_${installationId.replace(/\W/g, '_')}`;
  const created = await catalog.api(
    'POST',
    '/v1/actions',
    integrationAction(identifier, dispatchWorkflow(installationId)),
  );
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const runs: PendingRun[] = [];
  for (let i = 0; i < count; i++) {
    const started = await startRun(catalog, identifier, { properties: { name: `service-${i}`, count: i } });
    if (started.status !== 202) throw new Error(JSON.stringify(started.body));
    runs.push(started.run);
  }
  return Promise.all(runs.map((run) => waitForPayload(run.id)));
}

const waitForPayload = async (id: string) =>
  (await waitForRun(catalog, id, (run) => (run as PendingRun).payload !== undefined)) as PendingRun;

async function claim(body: Record<string, unknown>) {
  return catalog.api<{ ok: boolean; runs: PendingRun[] } & Partial<ErrorBody>>(
    'POST',
    '/v1/actions/runs/claim-pending',
    body,
  );
}

async function claimIds(body: Record<string, unknown>): Promise<string[]> {
  const answer = await claim(body);
  if (answer.status !== 200) throw new Error(JSON.stringify(answer.body));
  return answer.body.runs.map((run) => run.id);
}

const ack = (runId: unknown) => catalog.api<ErrorBody & { run: RunBody }>('PATCH', '/v1/actions/runs/ack', { runId });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an INTEGRATION_ACTION action', () => {
  test.each([
    ['installationId', { installationId: undefined }],
    ['installationId', { installationId: '' }],
    ['integrationProvider', { integrationProvider: undefined }],
    ['integrationProvider', { integrationProvider: 'GITLAB' }],
    ['integrationActionType', { integrationActionType: undefined }],
    ['integrationActionExecutionProperties', { integrationActionExecutionProperties: ['a'] }],
  ])('is refused without a good %s, naming it', async (field, change) => {
    const method = { ...dispatchWorkflow('i'), ...change };
    const answer = await catalog.api<ErrorBody>('POST', '/v1/actions', integrationAction(`bad_${counter++}`, method));
    expect(answer.status).toBe(422);
    expect(answer.body.error).toBe('invalid_request');
    expect(answer.body.message).toMatch(new RegExp(`^invocationMethod\\.${field}: `));
  });

  test('may not read .secrets in its templates: the payload is handed to whoever claims it', async () => {
    const method = dispatchWorkflow('i');
    method.integrationActionExecutionProperties.workflowInputs.count = '{{ .secrets.TOKEN }}';
    const answer = await catalog.api<ErrorBody>('POST', '/v1/actions', integrationAction('secretive', method));
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain('invocationMethod.integrationActionExecutionProperties.workflowInputs.count');
  });

  test('a template jq cannot compile is refused when the action is written', async () => {
    const method = dispatchWorkflow('i');
    method.integrationActionExecutionProperties.repo = '{{ .inputs. | }}';
    const answer = await catalog.api<ErrorBody>('POST', '/v1/actions', integrationAction('broken', method));
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain('invocationMethod.integrationActionExecutionProperties.repo');
  });

  test('a run stays IN_PROGRESS, invoking nothing, with its payload rendered', async () => {
    const installationId = nextInstallation();
    const [run] = await pendingRuns(installationId, 1);
    expect(run!.status).toBe('IN_PROGRESS');
    expect(run!.endedAt).toBeNull();
    expect(run!.payload).toEqual({
      type: 'INTEGRATION_ACTION',
      installationId,
      integrationActionType: 'dispatch_workflow',
      integrationActionExecutionProperties: {
        org: 'acme',
        repo: 'service-0',
        workflow: 'deploy.yml',
        // A template alone keeps its value's type; one inside text is text.
        workflowInputs: { count: 0, runId: run!.id, by: `run ${run!.id}` },
        reportWorkflowStatus: true,
      },
    });
    await sleep(100);
    const later = await waitForRun(catalog, run!.id, () => true);
    expect(later.status).toBe('IN_PROGRESS');
    const logs = await catalog.api<{ runLogs: unknown[] }>('GET', `/v1/actions/runs/${run!.id}/logs`);
    expect(logs.body.runLogs).toEqual([]);
  });

  test('without integrationActionExecutionProperties the payload has an empty object', async () => {
    const installationId = nextInstallation();
    const { integrationActionExecutionProperties: _unused, ...method } = dispatchWorkflow(installationId);
    expect((await catalog.api('POST', '/v1/actions', integrationAction('bare', method))).status).toBe(201);
    const { run } = await startRun(catalog, 'bare', { properties: {} });
    expect((await waitForPayload(run.id)).payload!.integrationActionExecutionProperties).toEqual({});
  });

  test('a template that fails when rendered ends the run FAILURE, saying which', async () => {
    const method = dispatchWorkflow(nextInstallation());
    method.integrationActionExecutionProperties.repo = '{{ error("no repo") }}';
    expect((await catalog.api('POST', '/v1/actions', integrationAction('failing', method))).status).toBe(201);
    const { run } = await startRun(catalog, 'failing', { properties: {} });
    const ended = (await waitForRun(catalog, run.id)) as PendingRun;
    expect(ended.status).toBe('FAILURE');
    expect(ended.payload).toBeUndefined();
    const logs = await catalog.api<{ runLogs: { message: string }[] }>('GET', `/v1/actions/runs/${run.id}/logs`);
    expect(logs.body.runLogs.at(-1)!.message).toMatch(
      /invocationMethod\.integrationActionExecutionProperties\.repo.*no repo/,
    );
  });
});

describe('POST /v1/actions/runs/claim-pending', () => {
  test('answers the run with its payload, hides it until the timeout, then answers it again', async () => {
    const installationId = nextInstallation();
    const [run] = await pendingRuns(installationId, 1);
    const first = await claim({ installationId, limit: 10, visibilityTimeoutMs: 300 });
    expect(first.status).toBe(200);
    expect(first.body.ok).toBe(true);
    expect(first.body.runs).toHaveLength(1);
    const [claimed] = first.body.runs;
    // What Ocean's ActionRun reads: id, status, payload, action.identifier.
    expect(claimed).toMatchObject({
      id: run!.id,
      status: 'IN_PROGRESS',
      action: { identifier: run!.action.identifier },
      payload: run!.payload,
    });
    expect(await claimIds({ installationId, limit: 10, visibilityTimeoutMs: 300 })).toEqual([]);
    await sleep(350);
    expect(await claimIds({ installationId, limit: 10, visibilityTimeoutMs: 300 })).toEqual([run!.id]);
  });

  test('another installation never sees the run', async () => {
    const installationId = nextInstallation();
    await pendingRuns(installationId, 1);
    expect(await claimIds({ installationId: nextInstallation(), limit: 10, visibilityTimeoutMs: 1000 })).toEqual([]);
  });

  test('oldest first, at most limit, and never a run in exclude', async () => {
    const installationId = nextInstallation();
    const ids = (await pendingRuns(installationId, 5)).map((run) => run.id);
    expect(await claimIds({ installationId, limit: 2, visibilityTimeoutMs: 60_000 })).toEqual(ids.slice(0, 2));
    expect(await claimIds({ installationId, limit: 10, visibilityTimeoutMs: 60_000, exclude: [ids[3]] })).toEqual([
      ids[2],
      ids[4],
    ]);
    expect(await claimIds({ installationId, limit: 10, visibilityTimeoutMs: 60_000 })).toEqual([ids[3]]);
  });

  test('limit and visibilityTimeoutMs have defaults (20, 90 s)', async () => {
    const installationId = nextInstallation();
    const ids = (await pendingRuns(installationId, 21)).map((run) => run.id);
    expect(await claimIds({ installationId })).toEqual(ids.slice(0, 20));
    expect(await claimIds({ installationId })).toEqual(ids.slice(20));
    expect(await claimIds({ installationId })).toEqual([]);
  });

  test('ten pollers claiming 20 each at once share 200 runs, each run exactly once', async () => {
    const installationId = nextInstallation();
    const ids = (await pendingRuns(installationId, 200)).map((run) => run.id);
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => claimIds({ installationId, limit: 20, visibilityTimeoutMs: 60_000 })),
    );
    for (const claimed of claims) expect(claimed).toHaveLength(20);
    const all = claims.flat();
    expect(new Set(all).size).toBe(200);
    expect([...all].sort()).toEqual([...ids].sort());
    expect(await claimIds({ installationId, limit: 20, visibilityTimeoutMs: 60_000 })).toEqual([]);
  }, 60_000);

  test('a run that ended is never claimable, even after the timeout', async () => {
    const installationId = nextInstallation();
    const [patched, logged, open] = await pendingRuns(installationId, 3);
    expect((await catalog.api('PATCH', `/v1/actions/runs/${patched!.id}`, { status: 'SUCCESS' })).status).toBe(200);
    const log = { message: 'gave up', terminationStatus: 'FAILURE' };
    expect((await catalog.api('POST', `/v1/actions/runs/${logged!.id}/logs`, log)).status).toBe(201);
    expect(await claimIds({ installationId, limit: 10, visibilityTimeoutMs: 100 })).toEqual([open!.id]);
    // Claimed and ended before it was acknowledged: gone for good too.
    expect((await catalog.api('PATCH', `/v1/actions/runs/${open!.id}`, { status: 'FAILURE' })).status).toBe(200);
    await sleep(150);
    expect(await claimIds({ installationId, limit: 10, visibilityTimeoutMs: 100 })).toEqual([]);
  });

  test.each([
    ['installationId', {}],
    ['installationId', { installationId: '' }],
    ['installationId', { installationId: 7 }],
    ['limit', { installationId: 'x', limit: 0 }],
    ['limit', { installationId: 'x', limit: 1001 }],
    ['limit', { installationId: 'x', limit: 2.5 }],
    ['limit', { installationId: 'x', limit: '10' }],
    ['visibilityTimeoutMs', { installationId: 'x', visibilityTimeoutMs: 99 }],
    ['visibilityTimeoutMs', { installationId: 'x', visibilityTimeoutMs: 43_200_001 }],
    ['exclude', { installationId: 'x', exclude: 'r_1' }],
    ['exclude[0]', { installationId: 'x', exclude: [1] }],
  ])('a bad %s is 422 naming it', async (field, body) => {
    const answer = await claim(body);
    expect(answer.status).toBe(422);
    expect(answer.body.error).toBe('invalid_request');
    expect(answer.body.message!.startsWith(`body.${field}: `)).toBe(true);
  });

  test('wants a token like every route', async () => {
    const answer = await fetch(`${catalog.url}/v1/actions/runs/claim-pending`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ installationId: 'x' }),
    });
    expect(answer.status).toBe(401);
    const ackAnswer = await fetch(`${catalog.url}/v1/actions/runs/ack`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runId: 'r_x' }),
    });
    expect(ackAnswer.status).toBe(401);
  });
});

describe('PATCH /v1/actions/runs/ack', () => {
  test('takes a claimed run; a second ack is 409; an acknowledged run never comes back', async () => {
    const installationId = nextInstallation();
    const [run, other] = await pendingRuns(installationId, 2);
    expect(await claimIds({ installationId, limit: 10, visibilityTimeoutMs: 100 })).toEqual([run!.id, other!.id]);
    const first = await ack(run!.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, run: { id: run!.id, status: 'IN_PROGRESS' } });
    const second = await ack(run!.id);
    expect(second.status).toBe(409);
    expect(second.body.error).toBe('run_already_acknowledged');
    await sleep(150);
    // The unacknowledged one reappears after its timeout; the acknowledged one does not.
    expect(await claimIds({ installationId, limit: 10, visibilityTimeoutMs: 100 })).toEqual([other!.id]);
    // The acknowledged run is reported on as any run.
    expect((await catalog.api('PATCH', `/v1/actions/runs/${run!.id}`, { status: 'SUCCESS' })).status).toBe(200);
  });

  test('an ended run is 409 run_exhausted; an unknown run 404; no runId 422', async () => {
    const [ended] = await pendingRuns(nextInstallation(), 1);
    await catalog.api('PATCH', `/v1/actions/runs/${ended!.id}`, { status: 'FAILURE' });
    const endedAnswer = await ack(ended!.id);
    expect(endedAnswer.status).toBe(409);
    expect(endedAnswer.body.error).toBe('run_exhausted');

    expect((await ack('r_doesnotexist0000')).status).toBe(404);

    const missing = await catalog.api<ErrorBody>('PATCH', '/v1/actions/runs/ack', {});
    expect(missing.status).toBe(422);
    expect(missing.body.message).toMatch(/^body\.runId: /);
  });

  test('a run that is not an integration run is 422 naming runId', async () => {
    await catalog.api('POST', '/v1/actions', {
      ...integrationAction('webhooked', { type: 'WEBHOOK', url: 'http://127.0.0.1:9/never' }),
    });
    const { run } = await startRun(catalog, 'webhooked', { properties: {} });
    const answer = await ack(run.id);
    // Either still pending its (failing) webhook, or already ended by it.
    if (answer.status === 422) expect(answer.body.message).toMatch(/^body\.runId: /);
    else expect(answer.body.error).toBe('run_exhausted');
  });
});

describe('the Port client against the catalog', () => {
  test('claimPendingRuns and acknowledgeRun: taken, ended, exclude', async () => {
    const installationId = nextInstallation();
    const [a, b, c] = await pendingRuns(installationId, 3);
    const claimed = await client.claimPendingRuns({
      installationId,
      limit: 10,
      visibilityTimeoutMs: 60_000,
      exclude: [b!.id],
    });
    expect(claimed.map((run) => run.id)).toEqual([a!.id, c!.id]);
    expect(claimed[0]!.payload.integrationActionType).toBe('dispatch_workflow');
    expect(claimed[0]!.payload.integrationActionExecutionProperties.repo).toBe('service-0');

    expect(await client.acknowledgeRun(a!.id)).toEqual({ acknowledged: true });
    expect(await client.acknowledgeRun(a!.id)).toMatchObject({ acknowledged: false, reason: 'taken' });

    await client.patchRun(c!.id, { status: 'SUCCESS' });
    expect(await client.acknowledgeRun(c!.id)).toMatchObject({ acknowledged: false, reason: 'ended' });

    expect(
      (await client.claimPendingRuns({ installationId, limit: 10, visibilityTimeoutMs: 60_000 })).map((r) => r.id),
    ).toEqual([b!.id]);
    expect(await client.claimPendingRuns({ installationId, limit: 10, visibilityTimeoutMs: 60_000 })).toEqual([]);
  });

  test('a bad request is a PortApiError naming the field, not an empty list', async () => {
    await expect(client.claimPendingRuns({ installationId: 'x', limit: 0, visibilityTimeoutMs: 1000 })).rejects.toThrow(
      /422 invalid_request: body\.limit/,
    );
    await expect(client.acknowledgeRun('r_doesnotexist0000')).rejects.toThrow(/404 not_found/);
  });
});

describe('across a restart', () => {
  test('a claimed run stays hidden until its timeout, and an acknowledged one stays taken', async () => {
    const own = await startTestCatalog();
    const method = dispatchWorkflow('restart-installation');
    await own.api('POST', '/v1/actions', integrationAction('restartable', method));
    const first = await startRun(own, 'restartable', { properties: { name: 'a' } });
    const second = await startRun(own, 'restartable', { properties: { name: 'b' } });
    for (const { run } of [first, second])
      await waitForRun(own, run.id, (r) => (r as PendingRun).payload !== undefined);
    const claimBody = { installationId: 'restart-installation', limit: 10, visibilityTimeoutMs: 2000 };
    const claimedAt = Date.now();
    const claimed = await own.api<{ runs: RunBody[] }>('POST', '/v1/actions/runs/claim-pending', claimBody);
    expect(claimed.body.runs.map((run) => run.id)).toEqual([first.run.id, second.run.id]);
    expect((await own.api('PATCH', '/v1/actions/runs/ack', { runId: first.run.id })).status).toBe(200);
    await own.close({ keepData: true });

    const again = await startTestCatalog({ dataDir: own.dataDir });
    try {
      const hidden = await again.api<{ runs: RunBody[] }>('POST', '/v1/actions/runs/claim-pending', claimBody);
      expect(hidden.body.runs).toEqual([]);
      await sleep(Math.max(0, claimedAt + 2100 - Date.now()));
      const back = await again.api<{ runs: RunBody[] }>('POST', '/v1/actions/runs/claim-pending', claimBody);
      expect(back.body.runs.map((run) => run.id)).toEqual([second.run.id]);
      expect((await again.api('PATCH', '/v1/actions/runs/ack', { runId: first.run.id })).status).toBe(409);
    } finally {
      await again.close();
    }
  });
});
