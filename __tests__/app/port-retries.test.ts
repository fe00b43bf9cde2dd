/**
 * When the App tries its Port calls again later, from an outbox: the one retry policy (src/retry) with each caller's
 * conditions. The writes to a run go to the embedded catalog behind a proxy that fails the requests a test picks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { Delivery, DeliveryHandler } from '../../src/outbox/index.ts';
import { PortApiError } from '../../src/port/index.ts';
import { openSqlite } from '../../src/sql/index.ts';
import { enqueuePortWrites, type PortWrite, portWritesHandler } from '../../app/port-writes/index.ts';
import { isTransient } from '../../app/reporting/reporter.ts';
import { AppState, appStateMigrations } from '../../app/state/index.ts';
import { isTransientPortError } from '../../app/sync/writes/source-writer.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { getRun, getRunLogs, startRun } from '../helpers/runs.ts';
import { type FaultProxy, startFaultProxy } from '../port/fault-proxy.ts';
import { testClient } from '../port/test-client.ts';

let catalog: TestCatalog;
let proxy: FaultProxy;
let state: AppState;
let handler: DeliveryHandler;
let runId: string;

const RUN_PATH = /^\/v1\/actions\/runs\/[^/]+$/;
const LOGS_PATH = /^\/v1\/actions\/runs\/[^/]+\/logs$/;
const sent = (method: string, path: RegExp) => proxy.requests.filter((r) => r.method === method && path.test(r.path));

/** The writes in the outbox, as the App enqueues them, and the handler's first attempt at them. */
async function attempt(writes: PortWrite[]): Promise<{ delivery: Delivery; outcome: unknown }> {
  const delivery = await enqueuePortWrites(state.outbox, runId, writes);
  return { delivery, outcome: await handler.attempt(delivery) };
}

beforeAll(async () => {
  catalog = await startTestCatalog();
  proxy = await startFaultProxy(catalog.url);
  // An integration action's run: the catalog invokes nothing, so the run waits, IN_PROGRESS, for the App's writes.
  const created = await catalog.api('POST', '/v1/actions', {
    identifier: 'deploy',
    title: 'Deploy',
    trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
    invocationMethod: {
      type: 'INTEGRATION_ACTION',
      installationId: 'retry-test',
      integrationProvider: 'GITHUB',
      integrationActionType: 'dispatch_workflow',
      integrationActionExecutionProperties: { org: 'acme', repo: 'api', workflow: 'deploy.yml' },
    },
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const db = openSqlite(':memory:');
  await db.migrate(appStateMigrations);
  state = new AppState(db, { owner: 'retry-test' });
  handler = portWritesHandler(testClient(proxy.url).client, state.outbox, { maxAttempts: 5, warn: () => {} });
});
beforeEach(async () => {
  runId = (await startRun(catalog, 'deploy', { properties: {} })).run.id;
  proxy.reset();
});
afterAll(async () => {
  await state.db.close();
  await proxy.close();
  await catalog.close();
});

describe('port writes: a server fault is tried again later (serverFaults)', () => {
  test('a PATCH answered 500: not repeated within the call, tried again by the outbox, then written', async () => {
    proxy.inject({
      method: 'PATCH',
      path: RUN_PATH,
      action: { status: 500, body: { ok: false, error: 'internal_error' } },
    });
    const { delivery, outcome } = await attempt([{ op: 'patch', body: { summary: 'deployed' } }]);
    expect(outcome).toMatchObject({ result: 'retry', error: expect.stringContaining('500 internal_error') });
    expect(sent('PATCH', RUN_PATH)).toHaveLength(1);

    expect(await handler.attempt(delivery)).toEqual({ result: 'delivered' });
    expect((await getRun(catalog, runId)).summary).toBe('deployed');
  });

  test('a 408 is tried again too (the client and the sync writer retried it; the port writes gave it up)', async () => {
    // The client's own retries (3 in the test client) meet it too; then the outbox tries again.
    proxy.inject({ method: 'PATCH', path: RUN_PATH, times: 4, action: { status: 408 } });
    const { outcome } = await attempt([{ op: 'patch', body: { summary: 'late' } }]);
    expect(outcome).toMatchObject({ result: 'retry' });
    expect(sent('PATCH', RUN_PATH)).toHaveLength(4);
  });

  test('a refusal is final: a PATCH of a run Port does not know is given up', async () => {
    const delivery = await enqueuePortWrites(state.outbox, 'r_unknown', [{ op: 'patch', body: { summary: 'x' } }]);
    expect(await handler.attempt(delivery)).toMatchObject({ result: 'failed', error: expect.stringContaining('404') });
  });
});

describe('port writes: a log line is repeated after an ambiguous failure (at least once)', () => {
  test('a log line whose answer was lost is written again by the next attempt: it shows twice', async () => {
    proxy.inject({ method: 'POST', path: LOGS_PATH, action: { reset: 'after-forwarding' } });
    const { delivery, outcome } = await attempt([{ op: 'log', body: { message: 'building' } }]);
    // The client did not resend it (a log line is not safe to repeat within the call)...
    expect(outcome).toMatchObject({ result: 'retry' });
    expect(sent('POST', LOGS_PATH)).toHaveLength(1);
    // ...the delivery does: a line twice is less harm than the writes after it, the run's end among them, lost.
    expect(await handler.attempt(delivery)).toEqual({ result: 'delivered' });
    expect((await getRunLogs(catalog, runId)).map((log) => log.message)).toEqual(['building', 'building']);
  });

  test('the log line that ends the run is written once: its repeat is refused as run_exhausted, which is done', async () => {
    proxy.inject({ method: 'POST', path: LOGS_PATH, action: { reset: 'after-forwarding' } });
    const { delivery, outcome } = await attempt([
      { op: 'log', body: { message: 'deployed', terminationStatus: 'SUCCESS' } },
    ]);
    expect(outcome).toMatchObject({ result: 'retry' });
    expect(await handler.attempt(delivery)).toEqual({ result: 'delivered' });
    expect(sent('POST', LOGS_PATH)).toHaveLength(2);
    expect((await getRunLogs(catalog, runId)).map((log) => log.message)).toEqual(['deployed']);
    expect((await getRun(catalog, runId)).status).toBe('SUCCESS');
  });
});

describe("the reporter's and the sync writer's Port calls: the same failures are transient", () => {
  const failure = (status: number | undefined) =>
    new PortApiError({ operation: 'getRun', method: 'GET', path: '/v1/actions/runs/r_1', status, attempts: 1 });

  // Before, the reporter took a 408 as final (the webhook's event was lost), while the sync writer tried again.
  test.each([
    [undefined, true],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [401, false],
    [404, false],
    [422, false],
  ])('a Port call that failed with %s: transient %s', (status, transient) => {
    expect(isTransient(failure(status))).toBe(transient);
    expect(isTransientPortError(failure(status))).toBe(transient);
  });

  test('a failure that is not a Port call is not theirs to retry', () => {
    expect(isTransient(new Error('the database is gone'))).toBe(false);
    expect(isTransientPortError(new Error('the database is gone'))).toBe(false);
  });
});
