import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';

let catalog: TestCatalog;
let receiver: Receiver;
type Audit = {
  identifier: string;
  resourceType: string;
  action: string;
  status: string;
  trigger: { at: string; by: { clientId: string }; origin: string };
  context: { blueprint: string; entity?: string; runId?: string };
};
type AuditBody = { ok: boolean; audits: Audit[] };

let startedAt: string;
let firstRun: string;
let bulkRun: string;
beforeAll(async () => {
  catalog = await startTestCatalog();
  receiver = await startReceiver();
  await catalog.api('POST', '/v1/actions', {
    identifier: 'sync',
    title: 'Sync',
    trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
    invocationMethod: { type: 'WEBHOOK', url: receiver.url },
  });
  const startRun = async () =>
    (await catalog.api<{ run: { id: string } }>('POST', '/v1/actions/sync/runs', { properties: {} })).body.run.id;
  firstRun = await startRun();
  bulkRun = await startRun();
  startedAt = new Date().toISOString();
  await catalog.api('POST', '/v1/blueprints', { identifier: 'svc', title: 'Svc', schema: { properties: {} } });
  await catalog.api('POST', `/v1/blueprints/svc/entities?run_id=${firstRun}`, { identifier: 'a' });
  await catalog.api('POST', '/v1/blueprints/svc/entities?upsert=true', { identifier: 'a', title: 'A' });
  await catalog.api('POST', `/v1/blueprints/svc/entities/bulk?run_id=${bulkRun}`, {
    entities: [{ identifier: 'b' }, { identifier: 'c' }],
  });
  await catalog.api('DELETE', `/v1/blueprints/svc/entities/b?run_id=${firstRun}`);
  // A failed write leaves no record.
  await catalog.api('POST', '/v1/blueprints/svc/entities', { identifier: 'a' });
});
afterAll(async () => {
  await catalog.close();
  await receiver.close();
});

describe('GET /v1/audit-log', () => {
  test('records every write, newest first, with who, what and the run', async () => {
    const response = await catalog.api<AuditBody>('GET', `/v1/audit-log?from=${startedAt}`);
    expect(response.status).toBe(200);
    const summary = response.body.audits.map((a) => [a.resourceType, a.action, a.identifier, a.context.runId ?? null]);
    expect(summary).toEqual([
      ['entity', 'DELETE', 'b', firstRun],
      ['entity', 'CREATE', 'c', bulkRun],
      ['entity', 'CREATE', 'b', bulkRun],
      ['entity', 'UPDATE', 'a', null],
      ['entity', 'CREATE', 'a', firstRun],
      ['blueprint', 'CREATE', 'svc', null],
    ]);
    const first = response.body.audits[0]!;
    expect(first.status).toBe('SUCCESS');
    expect(first.trigger.by.clientId).toBe('test-client');
    expect(first.context).toEqual({ blueprint: 'svc', entity: 'b', runId: firstRun });
    const all = await catalog.api<AuditBody>('GET', '/v1/audit-log');
    expect(all.body.audits.slice(-3).map((a) => [a.resourceType, a.action, a.identifier])).toEqual([
      ['run', 'CREATE', bulkRun],
      ['run', 'CREATE', firstRun],
      ['action', 'CREATE', 'sync'],
    ]);
    expect(Date.parse(first.trigger.at)).toBeGreaterThanOrEqual(Date.parse(startedAt));
  });

  test('filters by identifier, blueprint, run_id, time and limit', async () => {
    const byIdentifier = await catalog.api<AuditBody>('GET', '/v1/audit-log?identifier=a');
    expect(byIdentifier.body.audits.map((a) => a.action)).toEqual(['UPDATE', 'CREATE']);
    const byRun = await catalog.api<AuditBody>('GET', `/v1/audit-log?run_id=${bulkRun}`);
    expect(byRun.body.audits.map((a) => a.identifier)).toEqual(['c', 'b', bulkRun]);
    const byBlueprint = await catalog.api<AuditBody>('GET', '/v1/audit-log?blueprint=svc&limit=2');
    expect(byBlueprint.body.audits).toHaveLength(2);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await catalog.api<AuditBody>('GET', `/v1/audit-log?from=${future}`)).body.audits).toEqual([]);
    expect((await catalog.api<AuditBody>('GET', `/v1/audit-log?to=${startedAt}&identifier=a`)).body.audits).toEqual([]);
  });

  test('bad filters are named', async () => {
    const badDate = await catalog.api<{ message: string }>('GET', '/v1/audit-log?from=last-tuesday');
    expect(badDate.status).toBe(422);
    expect(badDate.body.message).toBe('query parameter from must be an ISO-8601 date-time (got "last-tuesday")');
    const badLimit = await catalog.api<{ message: string }>('GET', '/v1/audit-log?limit=0');
    expect(badLimit.status).toBe(422);
    expect(badLimit.body.message).toMatch(/^query parameter limit/);
  });
});
