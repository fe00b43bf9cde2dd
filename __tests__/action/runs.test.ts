import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { getRun, getRunLogs, startRun, waitForLog } from '../helpers/runs.ts';
import { connection, runAction } from './run-action.ts';

let catalog: TestCatalog;
/** Answers 200: a synchronized WEBHOOK run ends SUCCESS, an asynchronous one stays IN_PROGRESS. */
let accepting: Receiver;
/** Answers 400: the run ends FAILURE. */
let refusing: Receiver;
let base: Record<string, string>;

/** A self-service action on `service` whose runs are sent to `url`. */
async function createAction(
  identifier: string,
  url: string,
  options: { synchronized?: boolean; operation?: string } = {},
) {
  const answer = await catalog.api('POST', '/v1/actions', {
    identifier,
    title: identifier,
    trigger: {
      type: 'self-service',
      operation: options.operation ?? 'CREATE',
      blueprintIdentifier: 'service',
      userInputs: { properties: { version: { type: 'string' }, replicas: { type: 'number' } }, required: ['version'] },
    },
    invocationMethod: { type: 'WEBHOOK', url, synchronized: options.synchronized ?? false },
  });
  if (answer.status !== 201) throw new Error(JSON.stringify(answer.body));
}

/** A run that stays IN_PROGRESS until the Action changes it. */
async function openRun(): Promise<string> {
  const { status, run } = await startRun(catalog, 'hold', { properties: { version: '1' } });
  if (status !== 202) throw new Error(`run not started: ${status}`);
  await waitForLog(catalog, run.id, /Invoked webhook/);
  return run.id;
}

beforeAll(async () => {
  catalog = await startTestCatalog();
  accepting = await startReceiver();
  refusing = await startReceiver();
  refusing.respondWith([], 400);
  base = connection(catalog.url);
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: { properties: { version: { type: 'string' } } },
  });
  await catalog.api('POST', '/v1/blueprints/service/entities', { identifier: 'billing' });
  await createAction('hold', `${accepting.url}/hold`);
  await createAction('ship', `${accepting.url}/ship`, { synchronized: true });
  await createAction('ship_day2', `${accepting.url}/ship`, { synchronized: true, operation: 'DAY-2' });
  await createAction('break', `${refusing.url}/break`);
});
afterAll(async () => {
  await catalog.close();
  await accepting.close();
  await refusing.close();
});

describe('CREATE_RUN', () => {
  test('starts a run with the properties; output runId', async () => {
    const step = await runAction({
      ...base,
      operation: 'CREATE_RUN',
      action: 'hold',
      properties: '{"version": "1.2.3", "replicas": 2}',
    });
    expect(step.errors).toEqual([]);
    expect(step.outputs.runId).toMatch(/^r_/);
    expect(step.outputs.status).toBeUndefined();
    const run = await getRun(catalog, step.outputs.runId!);
    expect(run).toMatchObject({ status: 'IN_PROGRESS', properties: { version: '1.2.3', replicas: 2 } });
    expect(step.summary).toContain(`Started run \`${step.outputs.runId}\` of action \`hold\`.`);
  });

  test('identifier is the entity the run is about', async () => {
    const step = await runAction({
      ...base,
      operation: 'create_run',
      action: 'ship_day2',
      identifier: 'billing',
      properties: '{"version": "2"}',
    });
    expect(step.errors).toEqual([]);
    expect((await getRun(catalog, step.outputs.runId!)).entity).toMatchObject({ identifier: 'billing' });
  });

  test('inputs the action refuses fail the step with the API message naming the input', async () => {
    const step = await runAction({ ...base, operation: 'CREATE_RUN', action: 'hold', properties: '{}' });
    expect(step.exitCode).toBe(1);
    expect(step.errors.join('\n')).toMatch(
      /createRun POST \/v1\/actions\/hold\/runs failed: 422 user_inputs_schema_invalid: input "version" is required/,
    );
  });

  test('wait: polls until the run ends; output status SUCCESS', async () => {
    const step = await runAction({
      ...base,
      operation: 'CREATE_RUN',
      action: 'ship',
      properties: '{"version": "3"}',
      wait: 'true',
    });
    expect(step.errors).toEqual([]);
    expect(step.outputs).toMatchObject({ runId: expect.stringMatching(/^r_/), status: 'SUCCESS' });
    expect(step.summary).toContain('ended `SUCCESS`');
  });

  test('wait: a run that ends FAILURE fails the step, unless failOnRunFailure is false', async () => {
    const failed = await runAction({
      ...base,
      operation: 'CREATE_RUN',
      action: 'break',
      properties: '{"version": "4"}',
      wait: 'true',
    });
    expect(failed.exitCode).toBe(1);
    expect(failed.outputs.status).toBe('FAILURE');
    expect(failed.errors.join('\n')).toMatch(
      new RegExp(
        `CREATE_RUN: run ${failed.outputs.runId} ended FAILURE.*\\(set failOnRunFailure: false to let the step pass\\)`,
      ),
    );

    const tolerated = await runAction({
      ...base,
      operation: 'CREATE_RUN',
      action: 'break',
      properties: '{"version": "4"}',
      wait: 'TRUE',
      failOnRunFailure: 'false',
    });
    expect(tolerated.errors).toEqual([]);
    expect(tolerated.exitCode).toBe(0);
    expect(tolerated.outputs.status).toBe('FAILURE');
  });

  test('wait: a run still going after waitTimeout fails the step; output status IN_PROGRESS', async () => {
    const step = await runAction({
      ...base,
      operation: 'CREATE_RUN',
      action: 'hold',
      properties: '{"version": "5"}',
      wait: 'true',
      waitTimeout: '1',
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs.status).toBe('IN_PROGRESS');
    expect(step.errors.join('\n')).toBe(
      `CREATE_RUN: run ${step.outputs.runId} is still IN_PROGRESS after 1 s (waitTimeout)`,
    );
    expect(step.durationMs).toBeLessThan(5000);
  });
});

describe('PATCH_RUN', () => {
  test('posts the log line first, then status, statusLabel, link, summary and externalRunId in one PATCH', async () => {
    const runId = await openRun();
    const step = await runAction({
      ...base,
      operation: 'PATCH_RUN',
      runId,
      logMessage: 'Deployed 1.2.3',
      status: 'success',
      statusLabel: 'Deployed',
      link: '["https://ci.example/run/1", "https://ci.example/run/1/logs"]',
      summary: 'All good',
      externalRunId: 'gh_1_2_3',
    });
    expect(step.errors).toEqual([]);
    expect(step.outputs).toEqual({ runId, logMessage: 'Deployed 1.2.3' });
    expect(await getRun(catalog, runId)).toMatchObject({
      status: 'SUCCESS',
      statusLabel: 'Deployed',
      link: ['https://ci.example/run/1', 'https://ci.example/run/1/logs'],
      summary: 'All good',
      externalRunId: 'gh_1_2_3',
    });
    const messages = (await getRunLogs(catalog, runId)).map((log) => log.message);
    expect(messages).toContain('Deployed 1.2.3');
    expect(step.summary).toContain('is now `SUCCESS`');
  });

  test('a log line alone; a plain-string link; status in any case', async () => {
    const runId = await openRun();
    const logged = await runAction({ ...base, operation: 'PATCH_RUN', runId, logMessage: 'step 1 of 2' });
    expect(logged.errors).toEqual([]);
    expect((await getRun(catalog, runId)).status).toBe('IN_PROGRESS');

    const ended = await runAction({
      ...base,
      operation: 'PATCH_RUN',
      runId,
      status: 'Failure',
      link: 'https://ci.example/x',
    });
    expect(ended.errors).toEqual([]);
    expect(ended.outputs).toEqual({ runId });
    expect(await getRun(catalog, runId)).toMatchObject({ status: 'FAILURE', link: ['https://ci.example/x'] });
  });

  test('a run that already ended: the API refuses, the step says so', async () => {
    const runId = await openRun();
    await catalog.api('PATCH', `/v1/actions/runs/${runId}`, { status: 'SUCCESS' });
    const step = await runAction({ ...base, operation: 'PATCH_RUN', runId, status: 'FAILURE' });
    expect(step.exitCode).toBe(1);
    expect(step.errors.join('\n')).toMatch(
      /patchRun PATCH \/v1\/actions\/runs\/r_\w+\?version=v2 failed: 422 run_exhausted/,
    );

    const dry = await runAction({ ...base, operation: 'PATCH_RUN', runId, status: 'FAILURE', dryRun: 'true' });
    expect(dry.exitCode).toBe(1);
    expect(dry.errors.join('\n')).toContain(`PATCH_RUN: run ${runId} has already ended (SUCCESS)`);
  });

  test('dryRun: reads the run and reports what would change, changing nothing', async () => {
    const runId = await openRun();
    const step = await runAction({
      ...base,
      operation: 'PATCH_RUN',
      runId,
      status: 'SUCCESS',
      logMessage: 'x',
      dryRun: 'true',
    });
    expect(step.errors).toEqual([]);
    expect(step.summary).toContain('Would set `status` = `SUCCESS`.');
    expect((await getRun(catalog, runId)).status).toBe('IN_PROGRESS');
    expect((await getRunLogs(catalog, runId)).map((log) => log.message)).not.toContain('x');
  });
});

describe('runId on writes', () => {
  test('UPSERT, BULK_UPSERT and DELETE record their writes against the run', async () => {
    const runId = await openRun();
    const upsert = await runAction({ ...base, blueprint: 'service', identifier: 'run-a', runId });
    const bulk = await runAction({
      ...base,
      operation: 'BULK_UPSERT',
      runId,
      entities: '[{"identifier": "run-b", "blueprint": "service"}]',
    });
    const removed = await runAction({ ...base, operation: 'DELETE', blueprint: 'service', identifier: 'run-a', runId });
    for (const step of [upsert, bulk, removed]) expect(step.errors).toEqual([]);
    const audits = await catalog.api<{ audits: Array<{ identifier: string; action: string; resourceType: string }> }>(
      'GET',
      `/v1/audit-log?run_id=${runId}`,
    );
    const entityWrites = audits.body.audits.filter((audit) => audit.resourceType === 'entity');
    expect(entityWrites.map((audit) => `${audit.action} ${audit.identifier}`).sort()).toEqual([
      'CREATE run-a',
      'CREATE run-b',
      'DELETE run-a',
    ]);
  });

  test('a run that ended refuses writes that name it; the step fails with the reason', async () => {
    const runId = await openRun();
    await catalog.api('PATCH', `/v1/actions/runs/${runId}`, { status: 'SUCCESS' });
    const step = await runAction({ ...base, blueprint: 'service', identifier: 'late', runId });
    expect(step.exitCode).toBe(1);
    expect(step.errors.join('\n')).toMatch(/400 run_exhausted/);
  });
});
