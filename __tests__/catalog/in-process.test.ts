import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Catalog } from '../../catalog/index.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { createOpenRunsAction, startOpenRun } from '../helpers/runs.ts';

let catalog: TestCatalog;
let embedded: Catalog;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  catalog = await startTestCatalog();
  embedded = catalog.server.catalog!;
  await createOpenRunsAction(catalog, receiver.url);
});
afterAll(async () => {
  await catalog.close();
  await receiver.close();
});

type Call = { method: string; path: string; body?: string };

/** One step of a run's life, with RUN standing for the run's id. */
const STEPS: Array<[string, Call]> = [
  ['read the run', { method: 'GET', path: '/v1/actions/runs/RUN' }],
  [
    'PATCH label, link and external id',
    {
      method: 'PATCH',
      path: '/v1/actions/runs/RUN',
      body: '{"statusLabel":"Running","link":"https://github.com/acme/svc/actions/runs/1","externalRunId":"gh_1_2_RUN"}',
    },
  ],
  ['find it by its external id', { method: 'GET', path: '/v1/actions/runs?external_run_id=gh_1_2_RUN&limit=1' }],
  ['PATCH a status that is not one', { method: 'PATCH', path: '/v1/actions/runs/RUN', body: '{"status":"DONE"}' }],
  ['PATCH malformed JSON', { method: 'PATCH', path: '/v1/actions/runs/RUN', body: '{"summary": "x",\n "link": ]}' }],
  ['a log line', { method: 'POST', path: '/v1/actions/runs/RUN/logs', body: '{"message":"deploying"}' }],
  ['a log line without a message', { method: 'POST', path: '/v1/actions/runs/RUN/logs', body: '{}' }],
  [
    'a log line that ends the run',
    { method: 'POST', path: '/v1/actions/runs/RUN/logs', body: '{"message":"done","terminationStatus":"SUCCESS"}' },
  ],
  ['PATCH after the end', { method: 'PATCH', path: '/v1/actions/runs/RUN', body: '{"summary":"late"}' }],
  ['a limit out of bounds', { method: 'GET', path: '/v1/actions/runs?limit=0' }],
  ['an unknown run', { method: 'GET', path: '/v1/actions/runs/r_doesnotexist0000' }],
];

/** The same answer whichever run it was about and whenever it was made. */
function normalized(text: string, runId: string): unknown {
  return JSON.parse(
    text
      .replaceAll(runId, 'RUN')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'TIME')
      .replace(/"id":"\d+"/g, '"id":"LOG"'),
  );
}

async function overHttp(call: Call, runId: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${catalog.url}${call.path.replaceAll('RUN', runId)}`, {
    method: call.method,
    headers: { authorization: `Bearer ${catalog.token}`, 'content-type': 'application/json' },
    ...(call.body !== undefined && { body: call.body.replaceAll('RUN', runId) }),
  });
  return { status: response.status, body: normalized(await response.text(), runId) };
}

async function inProcess(call: Call, runId: string): Promise<{ status: number; body: unknown }> {
  const url = new URL(call.path.replaceAll('RUN', runId), 'http://in-process');
  const answer = await embedded.answerInProcess({
    method: call.method,
    path: url.pathname,
    query: url.searchParams,
    body: call.body?.replaceAll('RUN', runId),
  });
  if (!answer) throw new Error(`${call.method} ${call.path} was not answered in process`);
  return { status: answer.status, body: normalized(answer.body, runId) };
}

describe('the run calls answered in process', () => {
  test('answer as the HTTP routes do, step by step through a run, errors included', async () => {
    const [httpRun, directRun] = [await startOpenRun(catalog), await startOpenRun(catalog)];
    const statuses = new Set<number>();
    for (const [step, call] of STEPS) {
      const expected = await overHttp(call, httpRun);
      const actual = await inProcess(call, directRun);
      expect({ step, ...actual }).toEqual({ step, ...expected });
      statuses.add(expected.status);
    }
    // The steps covered success, 201, 400 (with the position of the JSON error), 404 and 422.
    expect(statuses).toEqual(new Set([200, 201, 400, 404, 422]));
  });

  test('the writes are made as the catalog’s own client, as through the routes', async () => {
    const runId = await startOpenRun(catalog);
    await inProcess({ method: 'PATCH', path: `/v1/actions/runs/${runId}`, body: '{"statusLabel":"Queued"}' }, runId);
    const { body } = await catalog.api<{ run: { updatedBy: string; statusLabel: string } }>(
      'GET',
      `/v1/actions/runs/${runId}`,
    );
    expect(body.run).toMatchObject({ statusLabel: 'Queued', updatedBy: catalog.credentials.clientId });
  });

  test('writes made together are committed together, each answered on its own', async () => {
    const [patched, refused, logged] = [
      await startOpenRun(catalog),
      await startOpenRun(catalog),
      await startOpenRun(catalog),
    ];
    const answers = await Promise.all([
      inProcess({ method: 'PATCH', path: '/v1/actions/runs/RUN', body: '{"summary":"deployed"}' }, patched),
      inProcess({ method: 'PATCH', path: '/v1/actions/runs/RUN', body: '{"status":"DONE"}' }, refused),
      inProcess({ method: 'POST', path: '/v1/actions/runs/RUN/logs', body: '{"message":"hello"}' }, logged),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 422, 201]);
    expect(
      (await catalog.api<{ run: { summary: string } }>('GET', `/v1/actions/runs/${patched}`)).body.run.summary,
    ).toBe('deployed');
    const { body } = await catalog.api<{ runLogs: { message: string }[] }>('GET', `/v1/actions/runs/${logged}/logs`);
    expect(body.runLogs.map((log) => log.message)).toContain('hello');
  });

  test('other calls are left to the routes', () => {
    for (const call of [
      { method: 'GET', path: '/v1/blueprints' },
      { method: 'DELETE', path: '/v1/actions/runs/r_x' },
      { method: 'GET', path: '/v1/actions/runs/r_x/logs' },
      { method: 'POST', path: '/v1/actions/deploy/runs' },
    ]) {
      expect(embedded.answerInProcess({ ...call, query: new URLSearchParams(), body: undefined })).toBeUndefined();
    }
  });
});
