import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { example, startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { getRun, getRunLogs, type RunBody, startRun, waitForLog } from '../helpers/runs.ts';

let catalog: TestCatalog;
let receiver: Receiver;
type Problem = { ok: false; error: string; message: string };

beforeAll(async () => {
  catalog = await startTestCatalog();
  receiver = await startReceiver();
  await catalog.api('POST', '/v1/blueprints', example('blueprint-service.json'));
  // The example entity's relations belong to the microservice blueprint; its properties fit service.
  const { relations: _relations, ...userService } = example('entity-service-user-service.json');
  await catalog.api('POST', '/v1/blueprints/service/entities', userService);
  const deploy = example<{ invocationMethod: { url: string } }>('action-deploy-service-webhook.json');
  deploy.invocationMethod.url = `${receiver.url}/deploy`;
  await catalog.api('POST', '/v1/actions', deploy);
});
afterAll(async () => {
  await catalog.close();
  await receiver.close();
});

const deployInputs = { environment: 'staging', version: '1.2.3' };

describe('POST /v1/actions/{id}/runs', () => {
  test('answers 202 with the run IN_PROGRESS in the vendor shape, inputs with defaults', async () => {
    const { status, run } = await startRun(catalog, 'deploy_service', {
      properties: deployInputs,
      entity: 'user-service',
    });
    expect(status).toBe(202);
    expect(run.id).toMatch(/^r_[A-Za-z0-9]{16}$/);
    expect(run).toMatchObject({
      status: 'IN_PROGRESS',
      statusLabel: null,
      link: [],
      summary: null,
      externalRunId: null,
      endedAt: null,
      source: 'API',
      action: { identifier: 'deploy_service', title: 'Deploy Service', deleted: false },
      blueprint: { identifier: 'service', title: 'Service' },
      entity: { identifier: 'user-service', title: 'User Service' },
      properties: { ...deployInputs, replicas: 1, cpu_limit: '500m', memory_limit: '512Mi' },
    });
    expect(await getRun(catalog, run.id)).toMatchObject({ id: run.id, status: 'IN_PROGRESS' });
  });

  test.each([
    [
      'a missing required input',
      { properties: { environment: 'staging' }, entity: 'user-service' },
      'input "version" is required',
    ],
    [
      'an input outside its enum',
      { properties: { ...deployInputs, environment: 'moon' }, entity: 'user-service' },
      /^input "environment" must be one of .*\(got "moon"\)$/,
    ],
    [
      'an input over its maximum',
      { properties: { ...deployInputs, replicas: 11 }, entity: 'user-service' },
      /^input "replicas" must be <= 10 \(got 11\)$/,
    ],
    [
      'an unknown input',
      { properties: { ...deployInputs, colour: 'red' }, entity: 'user-service' },
      /^input "colour" is not defined on action "deploy_service"/,
    ],
  ])('refuses %s with 422 user_inputs_schema_invalid naming the input', async (_name, body, message) => {
    const response = await catalog.api<Problem>('POST', '/v1/actions/deploy_service/runs', body);
    expect(response.status).toBe(422);
    expect(response.body.error).toBe('user_inputs_schema_invalid');
    expect(response.body.message).toMatch(message);
  });

  test('a DAY-2 run needs an existing entity; a missing action is 404', async () => {
    const noEntity = await catalog.api<Problem>('POST', '/v1/actions/deploy_service/runs', {
      properties: deployInputs,
    });
    expect(noEntity.status).toBe(422);
    expect(noEntity.body.message).toMatch(/^body\.entity: /);
    const ghost = await catalog.api<Problem>('POST', '/v1/actions/deploy_service/runs', {
      properties: deployInputs,
      entity: 'ghost',
    });
    expect(ghost.status).toBe(404);
    expect(ghost.body.message).toBe('entity "ghost" of blueprint "service" not found');
    expect((await catalog.api('POST', '/v1/actions/nope/runs', { properties: {} })).status).toBe(404);
  });
});

describe('PATCH /v1/actions/runs/{id} and logs', () => {
  let run: RunBody;
  beforeAll(async () => {
    run = (await startRun(catalog, 'deploy_service', { properties: deployInputs, entity: 'user-service' })).run;
  });

  test('each PATCH overwrites the keys it sends', async () => {
    const first = await catalog.api<{ run: RunBody }>('PATCH', `/v1/actions/runs/${run.id}`, {
      statusLabel: 'Deploying',
      link: 'https://ci.example.com/1',
      externalRunId: 'ext-1',
    });
    expect(first.status).toBe(200);
    expect(first.body.run).toMatchObject({
      statusLabel: 'Deploying',
      link: ['https://ci.example.com/1'],
      externalRunId: 'ext-1',
    });
    const second = await catalog.api<{ run: RunBody }>(
      'PATCH',
      `/v1/actions/runs/${run.id}`,
      example('run-patch-example.json'),
    );
    expect(second.body.run).toMatchObject({
      status: 'SUCCESS',
      statusLabel: 'Deploying',
      externalRunId: 'ext-1',
      summary: 'Run completed successfully!',
      link: example<{ link: string[] }>('run-patch-example.json').link,
    });
    expect(second.body.run.endedAt).toEqual(expect.any(String));
  });

  test('an ended run refuses every change and log with 422 run_exhausted', async () => {
    const patch = await catalog.api<Problem>('PATCH', `/v1/actions/runs/${run.id}`, { summary: 'again' });
    expect(patch.status).toBe(422);
    expect(patch.body.error).toBe('run_exhausted');
    expect(patch.body.message).toMatch(new RegExp(`^run "${run.id}" already ended with SUCCESS`));
    const log = await catalog.api<Problem>('POST', `/v1/actions/runs/${run.id}/logs`, { message: 'late' });
    expect(log.status).toBe(422);
    expect(log.body.error).toBe('run_exhausted');
  });

  test('a wrong status value is named', async () => {
    const other = (await startRun(catalog, 'deploy_service', { properties: deployInputs, entity: 'user-service' })).run;
    const response = await catalog.api<Problem>('PATCH', `/v1/actions/runs/${other.id}`, { status: 'DONE' });
    expect(response.status).toBe(422);
    expect(response.body.message).toBe('body.status: must be SUCCESS or FAILURE');
    const unknownKey = await catalog.api<Problem>('PATCH', `/v1/actions/runs/${other.id}`, { state: 'x' });
    expect(unknownKey.status).toBe(422);
    expect((await catalog.api('PATCH', '/v1/actions/runs/r_ghost', { summary: 'x' })).status).toBe(404);
  });

  test('logs: 201 with the log, statusLabel updates the run, terminationStatus ends it', async () => {
    const other = (await startRun(catalog, 'deploy_service', { properties: deployInputs, entity: 'user-service' })).run;
    await waitForLog(catalog, other.id, /^Invoked webhook POST/);
    const first = await catalog.api<{ runLog: Record<string, unknown> }>('POST', `/v1/actions/runs/${other.id}/logs`, {
      message: 'pulling image',
      statusLabel: 'Pulling',
    });
    expect(first.status).toBe(201);
    expect(first.body.runLog).toMatchObject({ runId: other.id, message: 'pulling image', createdBy: 'test-client' });
    expect((await getRun(catalog, other.id)).statusLabel).toBe('Pulling');
    const last = await catalog.api('POST', `/v1/actions/runs/${other.id}/logs`, {
      message: 'failed to pull',
      terminationStatus: 'FAILURE',
    });
    expect(last.status).toBe(201);
    expect(await getRun(catalog, other.id)).toMatchObject({ status: 'FAILURE', endedAt: expect.any(String) });
    const messages = (await getRunLogs(catalog, other.id)).map((log) => log.message);
    expect(messages.slice(-2)).toEqual(['pulling image', 'failed to pull']);
    const bad = await catalog.api<Problem>('POST', `/v1/actions/runs/${other.id}/logs`, { text: 'no message' });
    expect(bad.status).toBe(422);
  });
});

describe('entity writes with run_id', () => {
  test('add a log line to the run, and are refused with 400 run_exhausted once it ended', async () => {
    const { run } = await startRun(catalog, 'deploy_service', { properties: deployInputs, entity: 'user-service' });
    const properties = { name: 'Billing', owner: 'payments', lifecycle: 'Production' };
    expect(
      (
        await catalog.api('POST', `/v1/blueprints/service/entities?run_id=${run.id}`, {
          identifier: 'billing',
          properties,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await catalog.api('POST', `/v1/blueprints/service/entities/bulk?upsert=true&run_id=${run.id}`, {
          entities: [{ identifier: 'billing', properties }],
        })
      ).status,
    ).toBe(200);
    expect((await catalog.api('DELETE', `/v1/blueprints/service/entities/billing?run_id=${run.id}`)).status).toBe(200);
    const messages = (await getRunLogs(catalog, run.id)).map((log) => log.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'created entity "billing" of blueprint "service"',
        'updated entity "billing" of blueprint "service"',
        'deleted entity "billing" of blueprint "service"',
      ]),
    );

    await catalog.api('PATCH', `/v1/actions/runs/${run.id}`, { status: 'SUCCESS' });
    for (const [method, path, body] of [
      ['POST', `/v1/blueprints/service/entities?run_id=${run.id}`, { identifier: 'late', properties }],
      [
        'POST',
        `/v1/blueprints/service/entities/bulk?run_id=${run.id}`,
        { entities: [{ identifier: 'late', properties }] },
      ],
      ['DELETE', `/v1/blueprints/service/entities/user-service?run_id=${run.id}`, undefined],
    ] as const) {
      const response = await catalog.api<Problem>(method, path, body);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('run_exhausted');
    }
    expect((await catalog.api('GET', '/v1/blueprints/service/entities/late')).status).toBe(404);
    expect((await catalog.api('GET', '/v1/blueprints/service/entities/user-service')).status).toBe(200);
    const unknownRun = await catalog.api<Problem>('POST', '/v1/blueprints/service/entities?run_id=r_nope', {
      identifier: 'x',
      properties,
    });
    expect(unknownRun.status).toBe(404);
  });
});

describe('GET /v1/actions/runs', () => {
  test('filters by entity, blueprint, action, active, external_run_id and limit', async () => {
    const { run } = await startRun(catalog, 'deploy_service', { properties: deployInputs, entity: 'user-service' });
    await catalog.api('PATCH', `/v1/actions/runs/${run.id}`, { externalRunId: 'gh_1_2_3' });
    const list = async (query: string) =>
      (await catalog.api<{ runs: RunBody[] }>('GET', `/v1/actions/runs?${query}`)).body.runs;
    expect((await list('external_run_id=gh_1_2_3')).map((r) => r.id)).toEqual([run.id]);
    expect((await list('entity=user-service&limit=1')).map((r) => r.id)).toEqual([run.id]);
    const active = await list('active=true&action=deploy_service');
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((r) => r.status === 'IN_PROGRESS')).toBe(true);
    const ended = await list('active=false&blueprint=service');
    expect(ended.length).toBeGreaterThan(0);
    expect(ended.every((r) => r.status === 'SUCCESS' || r.status === 'FAILURE')).toBe(true);
    expect(await list('action=nope')).toEqual([]);
    expect((await catalog.api<Problem>('GET', '/v1/actions/runs?active=maybe')).status).toBe(422);
  });
});
