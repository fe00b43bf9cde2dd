import { afterEach, describe, expect, test } from '@jest/globals';
import { PortApiError, type RunPatch } from '../../src/port/index.ts';
import { STUB_TOKEN, type StubAnswer, type StubRequest, type StubServer, startStubServer } from './stub-server.ts';
import { aRun as run } from './run-fixture.ts';
import { failureOf, testClient } from './test-client.ts';

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** A stub answering the given answers in turn (the last one from then on), and a client in front of it. */
async function serve(...answers: Array<StubAnswer | ((request: StubRequest) => StubAnswer)>) {
  let next = 0;
  stub = await startStubServer((request) => {
    const answer = answers[Math.min(next++, answers.length - 1)]!;
    return typeof answer === 'function' ? answer(request) : answer;
  });
  return { stub, ...testClient(stub.url) };
}

describe('runs', () => {
  test('createRun: POST /v1/actions/{action}/runs with properties and entity, bearer token', async () => {
    const { stub, client } = await serve({ status: 202, body: { ok: true, run: run() } });
    const created = await client.createRun('deploy', { properties: { env: 'prod' }, entity: 'billing' });
    expect(created.id).toBe('r_QOz6WoOB1Q2lmhZZ');
    expect(stub.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/actions/deploy/runs',
        body: { properties: { env: 'prod' }, entity: 'billing' },
      }),
    ]);
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${STUB_TOKEN}`);
  });

  test('createRun is not resent after a lost answer or a 503: a second run would start', async () => {
    const reset = await serve('reset');
    expect(((await failureOf(reset.client.createRun('deploy', { properties: {} }))) as PortApiError).attempts).toBe(1);
    expect(reset.stub.requests).toHaveLength(1);
    await reset.stub.close();

    const unavailable = await serve({ status: 503 });
    const error = (await failureOf(unavailable.client.createRun('deploy', { properties: {} }))) as PortApiError;
    expect(error).toMatchObject({ status: 503, attempts: 1, traceId: 'stub-trace' });
    expect(unavailable.stub.requests).toHaveLength(1);
  });

  test('getRun: GET /v1/actions/runs/{id}?version=v2, the id URL-encoded', async () => {
    const { stub, client } = await serve({ status: 200, body: { ok: true, run: run({ id: 'r/odd' }) } });
    expect((await client.getRun('r/odd')).id).toBe('r/odd');
    expect(stub.requests[0]).toMatchObject({ method: 'GET', path: '/v1/actions/runs/r%2Fodd' });
    expect(stub.requests[0]!.query.get('version')).toBe('v2');
  });

  test('patchRun: PATCH with the keys given; retried after a 503', async () => {
    const patched = run({ status: 'SUCCESS', link: ['https://ci/1'], summary: 'done' });
    const { stub, client } = await serve({ status: 503 }, { status: 200, body: { ok: true, run: patched } });
    const patch: RunPatch = { status: 'SUCCESS', link: ['https://ci/1'], summary: 'done', externalRunId: 'gh_1_2_3' };
    expect(await client.patchRun('r_1', patch)).toEqual(patched);
    expect(stub.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PATCH', '/v1/actions/runs/r_1', patch],
      ['PATCH', '/v1/actions/runs/r_1', patch],
    ]);
  });

  test('patchRun whose answer was lost: the retry finds the run ended with that status, which is the answer', async () => {
    const ended = run({ status: 'SUCCESS' });
    const { stub, client } = await serve(
      'reset',
      { status: 422, body: { ok: false, error: 'run_exhausted', message: 'the run has ended' } },
      { status: 200, body: { ok: true, run: ended } },
    );
    expect(await client.patchRun('r_1', { status: 'SUCCESS' })).toEqual(ended);
    expect(stub.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'GET']);
  });

  test('patchRun on a run that had ended before: 422 run_exhausted is the answer', async () => {
    const { client } = await serve({
      status: 422,
      body: { ok: false, error: 'run_exhausted', message: 'the run has ended' },
    });
    const error = (await failureOf(client.patchRun('r_1', { status: 'FAILURE' }))) as PortApiError;
    expect(error.message).toBe(
      'patchRun PATCH /v1/actions/runs/r_1?version=v2 failed: 422 run_exhausted: the run has ended (trace stub-trace)',
    );
  });

  test('addRunLog: POST the log line; not resent after a lost answer (it would be logged twice)', async () => {
    const runLog = { id: 'l1', runId: 'r_1', message: 'deployed', createdAt: '2026-01-01T00:00:00Z' };
    const ok = await serve({ status: 201, body: { ok: true, runLog } });
    const logLine = { message: 'deployed', terminationStatus: 'SUCCESS', statusLabel: 'Done' } as const;
    expect(await ok.client.addRunLog('r_1', logLine)).toEqual(runLog);
    expect(ok.stub.requests[0]).toMatchObject({ method: 'POST', path: '/v1/actions/runs/r_1/logs', body: logLine });
    await ok.stub.close();

    const lost = await serve('reset');
    const error = (await failureOf(lost.client.addRunLog('r_1', { message: 'x' }))) as PortApiError;
    expect(error.isNetworkError).toBe(true);
    expect(lost.stub.requests).toHaveLength(1);
  });

  test('listRuns: GET /v1/actions/runs with the filters as the API names them', async () => {
    const { stub, client } = await serve({ status: 200, body: { ok: true, runs: [run()] } });
    const runs = await client.listRuns({ externalRunId: 'gh_1_2_3', active: true, action: 'deploy', limit: 5 });
    expect(runs).toHaveLength(1);
    expect(stub.requests[0]!.path).toBe('/v1/actions/runs');
    expect(Object.fromEntries(stub.requests[0]!.query)).toEqual({
      version: 'v2',
      external_run_id: 'gh_1_2_3',
      active: 'true',
      action: 'deploy',
      limit: '5',
    });
  });

  test('an answer without the resource is an error, not undefined', async () => {
    const { client } = await serve({ status: 200, body: { ok: true } });
    const error = (await failureOf(client.getRun('r_1'))) as PortApiError;
    expect(error.message).toBe(
      'getRun GET /v1/actions/runs/r_1?version=v2 failed: 200: the answer has no "run" (trace stub-trace)',
    );
  });
});

describe('entity writes with a run', () => {
  test('runId goes as run_id; create_missing_related_entities and validation_only as flags', async () => {
    const entity = { identifier: 'e', blueprint: 'service' };
    const { stub, client } = await serve({ status: 201, body: { ok: true, entity } });
    await client.upsertEntity(
      'service',
      { identifier: 'e' },
      { runId: 'r_1', createMissingRelatedEntities: true, validationOnly: true },
    );
    await client.deleteEntity('service', 'e', { runId: 'r_1', deleteDependents: true });
    expect(stub.requests.map((r) => `${r.method} ${r.path}?${r.query}`)).toEqual([
      'POST /v1/blueprints/service/entities?upsert=true&merge=true&validation_only=true&create_missing_related_entities=true&run_id=r_1',
      'DELETE /v1/blueprints/service/entities/e?delete_dependents=true&run_id=r_1',
    ]);
  });
});
