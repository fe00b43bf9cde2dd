import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MAX_LOGS_PER_INTEGRATION } from '../../../catalog/store/index.ts';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../../helpers/catalog-server.ts';
import { OceanClient, oceanLogRecord } from './ocean-client.ts';

let catalog: TestCatalog;
type Problem = { ok: false; error: string; message: string };

beforeAll(async () => {
  catalog = await startTestCatalog();
});
afterAll(async () => catalog.close());

const newOcean = (identifier: string, version = '0.1.0') =>
  new OceanClient(catalog.url, TEST_CREDENTIALS, { type: 'pagerduty', version, identifier });

const portAppConfig = {
  resources: [
    {
      kind: 'services',
      selector: { query: 'true' },
      port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"service"' } } },
    },
  ],
};

describe("Ocean's start-up", () => {
  test('provision-enabled, the organization, then the integration: missing (404), created, read back', async () => {
    const ocean = newOcean('pd-start');
    const provision = await ocean.provisionEnabled();
    expect(provision).toEqual({ status: 200, body: { ok: true, integrations: [] } });
    const organization = await ocean.organization();
    expect(organization.status).toBe(200);
    expect(organization.body.organization.id).toMatch(/^org_[A-Za-z0-9]{16}$/);
    expect(organization.body.organization.featureFlags).toEqual([]);

    const missing = await ocean.getIntegration();
    expect(missing.status).toBe(404);
    // Ocean reads response.json().get("integration", {}) with should_raise=False, and creates on an empty answer.
    expect(missing.body.integration).toBeUndefined();
    expect(missing.body).toMatchObject({ ok: false, error: 'not_found' });

    const created = await ocean.createIntegration({}, portAppConfig);
    expect(created.status).toBe(201);
    expect(created.body.integration).toMatchObject({
      installationId: 'pd-start',
      installationAppType: 'pagerduty',
      version: '0.1.0',
      changelogDestination: {},
      config: portAppConfig,
      resyncState: null,
      logAttributes: { ingestUrl: `${catalog.url}/v1/integration/pd-start/logs` },
      createdBy: TEST_CREDENTIALS.clientId,
    });
    const read = await ocean.getIntegration();
    expect(read.status).toBe(200);
    expect(read.body.integration).toEqual(created.body.integration);
    expect((await ocean.createIntegration({})).status).toBe(409);
  });

  test('a new version patches the integration: the keys sent change, the config stays', async () => {
    await newOcean('pd-upgrade').createIntegration({}, portAppConfig);
    const upgraded = newOcean('pd-upgrade', '0.2.0');
    const patched = await upgraded.patchIntegration({ installationAppType: 'pagerduty', changelogDestination: {} });
    expect(patched.status).toBe(200);
    expect(patched.body.integration).toMatchObject({ version: '0.2.0', config: portAppConfig });
    const remapped = await upgraded.patchIntegration({ config: { resources: [] } });
    expect(remapped.body.integration).toMatchObject({ version: '0.2.0', config: { resources: [] } });
    expect((await newOcean('pd-never').patchIntegration({})).status).toBe(404);
  });
});

describe('resync state', () => {
  test('before and after a resync, as ResyncStateUpdater reports it; updatedAt is the state’s', async () => {
    const ocean = newOcean('pd-state');
    await ocean.createIntegration({}, portAppConfig);
    const start = new Date().toISOString();
    const running = await ocean.updateIntegrationState({
      status: 'running',
      lastResyncEnd: null,
      lastResyncStart: start,
      nextResync: null,
      intervalInMinuets: null,
    });
    expect(running.status).toBe(200);
    const state = running.body.integration.resyncState as Record<string, unknown>;
    expect(state).toMatchObject({ status: 'running', lastResyncStart: start, lastResyncEnd: null });
    // The polling listener compares the integration's updatedAt with the state's: equal means "nothing changed".
    expect(running.body.integration.updatedAt).toBe(state.updatedAt);

    const end = new Date().toISOString();
    const completed = await ocean.updateIntegrationState({
      status: 'completed',
      lastResyncEnd: end,
      nextResync: null,
      intervalInMinuets: 60,
    });
    expect(completed.body.integration.resyncState).toMatchObject({
      status: 'completed',
      lastResyncStart: start,
      lastResyncEnd: end,
      intervalInMinuets: 60,
    });
    const polled = await ocean.getIntegration();
    expect(polled.body.integration?.updatedAt).toBe(
      (completed.body.integration.resyncState as { updatedAt: string }).updatedAt,
    );
  });

  test('a state without status, or with a wrong type, is refused naming the field', async () => {
    const ocean = newOcean('pd-state-bad');
    await ocean.createIntegration({});
    const noStatus = await ocean.updateIntegrationState({ lastResyncStart: null });
    expect(noStatus.status).toBe(422);
    expect((noStatus.body as unknown as Problem).message).toMatch(/^body\.status: /);
    const badInterval = await ocean.updateIntegrationState({ status: 'running', intervalInMinuets: 'hourly' });
    expect((badInterval.body as unknown as Problem).message).toMatch(/^body\.intervalInMinuets: /);
    expect((await newOcean('pd-none').updateIntegrationState({ status: 'running' })).status).toBe(404);
  });
});

describe('logs and kind examples', () => {
  test('logs go to the ingest URL the integration names, and are read back newest first', async () => {
    const ocean = newOcean('pd-logs');
    const { body } = await ocean.createIntegration({});
    const ingestUrl = (body.integration.logAttributes as { ingestUrl: string }).ingestUrl;
    const sent = await ocean.ingestLogs(ingestUrl, [oceanLogRecord('resync started'), oceanLogRecord('done')]);
    expect(sent).toEqual({ status: 200, body: { ok: true } });
    const read = await ocean.send<{ logs: { message: string; level: string }[] }>('GET', '/integration/pd-logs/logs');
    expect(read.body.logs.map((log) => log.message)).toEqual(['done', 'resync started']);
    expect(read.body.logs[0]).toMatchObject({ level: 'INFO', extra: { resync_id: 'r1' } });
  });

  test(`keeps the newest ${MAX_LOGS_PER_INTEGRATION.toLocaleString('en-US')} records of an integration`, async () => {
    const ocean = newOcean('pd-many-logs');
    await ocean.createIntegration({});
    const batch = (from: number) => Array.from({ length: 5000 }, (_, i) => ({ message: `m${from + i}` }));
    for (let from = 0; from < MAX_LOGS_PER_INTEGRATION + 5000; from += 5000) {
      expect((await ocean.send('POST', '/integration/pd-many-logs/logs', { json: { logs: batch(from) } })).status).toBe(
        200,
      );
    }
    const newest = await ocean.send<{ logs: { message: string }[] }>('GET', '/integration/pd-many-logs/logs', {
      params: { limit: '1' },
    });
    expect(newest.body.logs).toEqual([{ message: `m${MAX_LOGS_PER_INTEGRATION + 4999}` }]);
  });

  test('logs that are not a list of records, or for an unknown integration, are refused', async () => {
    const ocean = newOcean('pd-logs-bad');
    await ocean.createIntegration({});
    const notRecords = await ocean.send<Problem>('POST', '/integration/pd-logs-bad/logs', { json: { logs: ['x'] } });
    expect(notRecords.status).toBe(422);
    expect(notRecords.body.message).toMatch(/^body\.logs\[0\]: /);
    const unknown = await ocean.send<Problem>('POST', '/integration/nobody/logs', { json: { logs: [] } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('integration "nobody" not found');
  });

  test("a kind's examples replace the last ones and are read back", async () => {
    const ocean = newOcean('pd.examples:1');
    expect((await ocean.createIntegration({})).status).toBe(201);
    expect((await ocean.ingestKindExamples('services', [{ id: 1 }])).status).toBe(200);
    expect((await ocean.ingestKindExamples('services', [{ id: 2 }, { id: 3 }])).status).toBe(200);
    const read = await ocean.send<{ examples: unknown[] }>(
      'GET',
      '/integration/pd.examples%3A1/kinds/services/examples',
    );
    expect(read.body.examples).toEqual([{ id: 2 }, { id: 3 }]);
  });
});

describe('hostile input', () => {
  test('an identifier the catalog would not take as an entity’s is refused, naming installationId', async () => {
    const ocean = newOcean('x');
    for (const installationId of ['', '.', 'a b', 'x'.repeat(1001)]) {
      const response = await ocean.send<Problem>('POST', '/integration', { json: { installationId } });
      expect(response.status).toBe(422);
      expect(response.body.message).toMatch(/^body\.installationId: /);
    }
    const noId = await ocean.send<Problem>('POST', '/integration', { json: { installationAppType: 'x' } });
    expect(noId.body.message).toMatch(/^body\.installationId: /);
  });

  test('a config that is not an object, or fields of the wrong type, are named', async () => {
    const ocean = newOcean('pd-hostile');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ installationId: 'pd-hostile', config: [] }, /^body\.config: /],
      [{ installationId: 'pd-hostile', version: 1 }, /^body\.version: /],
      [{ installationId: 'pd-hostile', changelogDestination: 'https://x' }, /^body\.changelogDestination: /],
      [{ installationId: 'pd-hostile', installationAppType: 'x'.repeat(201) }, /^body\.installationAppType: /],
    ];
    for (const [json, message] of cases) {
      const response = await ocean.send<Problem>('POST', '/integration', { json });
      expect(response.status).toBe(422);
      expect(response.body.message).toMatch(message);
    }
  });

  test('without a token every integration route is 401', async () => {
    for (const [method, path] of [
      ['GET', '/v1/integration/pd-start'],
      ['GET', '/v1/integration/provision-enabled'],
      ['GET', '/v1/organization'],
      ['POST', '/v1/integration/pd-start/logs'],
    ] as const) {
      expect((await fetch(`${catalog.url}${path}`, { method })).status).toBe(401);
    }
  });

  test('deleting the integration deletes its logs and examples with it', async () => {
    const ocean = newOcean('pd-gone');
    await ocean.createIntegration({});
    await ocean.send('POST', '/integration/pd-gone/logs', { json: { logs: [{ message: 'x' }] } });
    expect(await ocean.send('DELETE', '/integration/pd-gone')).toEqual({ status: 200, body: { ok: true } });
    expect((await ocean.getIntegration()).status).toBe(404);
    await ocean.createIntegration({});
    const logs = await ocean.send<{ logs: unknown[] }>('GET', '/integration/pd-gone/logs');
    expect(logs.body.logs).toEqual([]);
  });
});
