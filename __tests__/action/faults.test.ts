import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { type FaultProxy, startFaultProxy } from '../port/fault-proxy.ts';
import { connection, jsonOutput, runAction, type StepResult } from './run-action.ts';

let catalog: TestCatalog;
let proxy: FaultProxy;
let receiver: Receiver;
let base: Record<string, string>;

const ENTITIES = '/v1/blueprints/service/entities';

/** The catalog's own record of the writes to one entity, oldest first. */
async function auditOf(identifier: string): Promise<string[]> {
  const answer = await catalog.api<{ audits: Array<{ action: string; resourceType: string }> }>(
    'GET',
    `/v1/audit-log?identifier=${encodeURIComponent(identifier)}`,
  );
  return answer.body.audits
    .filter((audit) => audit.resourceType === 'entity')
    .map((audit) => audit.action)
    .reverse();
}

const sent = (method: string, path: string | RegExp) =>
  proxy.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));

function succeeded(step: StepResult): void {
  expect(step.errors).toEqual([]);
  expect(step.exitCode).toBe(0);
}

beforeAll(async () => {
  catalog = await startTestCatalog();
  proxy = await startFaultProxy(catalog.url);
  receiver = await startReceiver();
  // Short timeouts keep the hang cases quick; the proxy stands where Port would be.
  base = { ...connection(proxy.url), requestTimeout: '0.5' };
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: { properties: { version: { type: 'string' } } },
  });
  await catalog.api('POST', '/v1/blueprints', { identifier: 'other', title: 'Other', schema: { properties: {} } });
  await catalog.api('POST', '/v1/actions', {
    identifier: 'hold',
    title: 'hold',
    trigger: {
      type: 'self-service',
      operation: 'CREATE',
      blueprintIdentifier: 'service',
      userInputs: { properties: {} },
    },
    invocationMethod: { type: 'WEBHOOK', url: `${receiver.url}/hold` },
  });
});
beforeEach(() => proxy.reset());
afterAll(async () => {
  await proxy.close();
  await receiver.close();
  await catalog.close();
});

describe('the step succeeds after retries, with no duplicate write', () => {
  test('429 with Retry-After: waits as asked, then one write', async () => {
    proxy.inject({
      method: 'POST',
      path: ENTITIES,
      action: { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'rate_limit_exceeded' } },
    });
    const step = await runAction({ ...base, blueprint: 'service', identifier: 'r429', properties: '{"version": "1"}' });
    succeeded(step);
    expect(sent('POST', ENTITIES)).toHaveLength(2);
    expect(step.durationMs).toBeGreaterThanOrEqual(1000);
    expect(step.log).toMatch(
      /::warning::upsertEntity POST \/v1\/blueprints\/service\/entities\?.* answered 429; retry 1 of 4 in 1\.0 s/,
    );
    expect(await auditOf('r429')).toEqual(['CREATE']);
  });

  test('503 then success on the bulk route: every entity written once', async () => {
    proxy.inject({ method: 'POST', path: `${ENTITIES}/bulk`, times: 2, action: { status: 503 } });
    const entities = Array.from({ length: 30 }, (_, i) => ({ identifier: `b503-${i}`, blueprint: 'service' }));
    const step = await runAction({ ...base, operation: 'BULK_UPSERT', entities: JSON.stringify(entities) });
    succeeded(step);
    expect(jsonOutput<string[]>(step, 'identifiers')).toHaveLength(30);
    expect(sent('POST', `${ENTITIES}/bulk`)).toHaveLength(4); // two batches, each refused once
    for (const i of [0, 19, 20, 29]) expect(await auditOf(`b503-${i}`)).toEqual(['CREATE']);
  });

  test('a connection reset before the API saw the upsert: resent, one write', async () => {
    proxy.inject({ method: 'POST', path: ENTITIES, action: { reset: 'before-forwarding' } });
    const step = await runAction({
      ...base,
      blueprint: 'service',
      identifier: 'reset',
      properties: '{"version": "2"}',
    });
    succeeded(step);
    expect(await auditOf('reset')).toEqual(['CREATE']);
  });

  test('a reset on the token request: asked again, then the read succeeds', async () => {
    proxy.inject({ method: 'POST', path: '/v1/auth/access_token', action: { reset: 'before-forwarding' } });
    const step = await runAction({ ...base, operation: 'GET', blueprint: 'service', identifier: 'reset' });
    succeeded(step);
    expect(sent('POST', '/v1/auth/access_token')).toHaveLength(2);
  });

  test('a read that hangs past requestTimeout is cut off and sent again', async () => {
    proxy.inject({ method: 'GET', path: `${ENTITIES}/reset`, action: { hang: 'before-forwarding' } });
    const step = await runAction({ ...base, operation: 'GET', blueprint: 'service', identifier: 'reset' });
    succeeded(step);
    expect(jsonOutput(step, 'entity')).toMatchObject({ identifier: 'reset' });
    expect(step.log).toMatch(/timed out after 500 ms; retry 1 of 4/);
  });

  test('an upsert whose answer was lost is sent again: the same state, written again, not twice created', async () => {
    proxy.inject({ method: 'POST', path: ENTITIES, action: { reset: 'after-forwarding' } });
    const step = await runAction({ ...base, blueprint: 'service', identifier: 'lost', properties: '{"version": "3"}' });
    succeeded(step);
    expect(await auditOf('lost')).toEqual(['CREATE', 'UPDATE']);
    expect(
      (await catalog.api<{ entity: { properties: object } }>('GET', `${ENTITIES}/lost`)).body.entity.properties,
    ).toEqual({
      version: '3',
    });
  });
});

describe('or fails with a message that says what happened', () => {
  test('an API that stays unavailable: the status, the server message and the attempts', async () => {
    proxy.inject({
      method: 'GET',
      path: `${ENTITIES}/down`,
      times: Infinity,
      action: {
        status: 503,
        headers: { 'retry-after': '0', 'x-trace-id': 't-503' },
        body: { ok: false, error: 'unavailable', message: 'maintenance' },
      },
    });
    const step = await runAction({ ...base, operation: 'GET', blueprint: 'service', identifier: 'down' });
    expect(step.exitCode).toBe(1);
    expect(step.errors).toEqual([
      'getEntity GET /v1/blueprints/service/entities/down failed after 5 attempts: 503 unavailable: maintenance (trace t-503)',
    ]);
  });

  test('a run created whose answer was lost is not started twice: the step fails saying why', async () => {
    proxy.inject({ method: 'POST', path: '/v1/actions/hold/runs', action: { reset: 'after-forwarding' } });
    const before = (await catalog.api<{ runs: unknown[] }>('GET', '/v1/actions/runs?action=hold')).body.runs.length;
    const step = await runAction({ ...base, operation: 'CREATE_RUN', action: 'hold' });
    expect(step.exitCode).toBe(1);
    expect(step.errors.join('\n')).toMatch(
      /^createRun POST \/v1\/actions\/hold\/runs failed: network error: .* \(not resent: the request may have reached the server, and createRun is not safe to repeat\)$/,
    );
    expect(sent('POST', '/v1/actions/hold/runs')).toHaveLength(1);
    const after = (await catalog.api<{ runs: unknown[] }>('GET', '/v1/actions/runs?action=hold')).body.runs.length;
    expect(after).toBe(before + 1);
  });

  test('a log line that hangs past requestTimeout is not resent: the step fails naming the timeout', async () => {
    const run = await catalog.api<{ run: { id: string } }>('POST', '/v1/actions/hold/runs', { properties: {} });
    const runId = run.body.run.id;
    proxy.inject({ method: 'POST', path: `/v1/actions/runs/${runId}/logs`, action: { hang: 'after-forwarding' } });
    const step = await runAction({ ...base, operation: 'PATCH_RUN', runId, logMessage: 'once', status: 'SUCCESS' });
    expect(step.exitCode).toBe(1);
    expect(step.errors.join('\n')).toBe(
      `addRunLog POST /v1/actions/runs/${runId}/logs failed: network error: timed out after 500 ms (not resent: the request may have reached the server, and addRunLog is not safe to repeat)`,
    );
    expect(sent('PATCH', `/v1/actions/runs/${runId}`)).toHaveLength(0);
    const logs = await catalog.api<{ runLogs: Array<{ message: string }> }>('GET', `/v1/actions/runs/${runId}/logs`);
    expect(logs.body.runLogs.filter((log) => log.message === 'once')).toHaveLength(1);
  });

  test('a batch refused for good: the others written, each failed entity named', async () => {
    const entities = Array.from({ length: 40 }, (_, i) => ({
      identifier: `half-${i}`,
      blueprint: i < 20 ? 'service' : 'other',
    }));
    proxy.inject({
      method: 'POST',
      path: '/v1/blueprints/other/entities/bulk',
      times: Infinity,
      action: { status: 400, body: { ok: false, error: 'bad_request', message: 'refused by the test' } },
    });
    const step = await runAction({ ...base, operation: 'BULK_UPSERT', entities: JSON.stringify(entities) });
    expect(step.exitCode).toBe(1);
    expect(jsonOutput<string[]>(step, 'identifiers')).toEqual(entities.slice(0, 20).map((entity) => entity.identifier));
    const error = step.errors.join('\n');
    expect(error).toMatch(
      /^BULK_UPSERT: 20 of 40 entities failed:\n- \[20\] other\/half-20: 400 bad_request: bulkUpsertEntities POST \/v1\/blueprints\/other\/entities\/bulk\?upsert=true&merge=true failed: 400 bad_request: refused by the test/,
    );
    expect(error).toContain('- [39] other/half-39: 400 bad_request');
    expect(await auditOf('half-0')).toEqual(['CREATE']);
  });
});
