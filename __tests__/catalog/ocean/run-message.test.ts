import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { example, startTestCatalog, type TestCatalog } from '../../helpers/catalog-server.ts';
import { getRun, startRun } from '../../helpers/runs.ts';

let catalog: TestCatalog;
type Problem = { ok: false; error: string; message: string };

beforeAll(async () => {
  catalog = await startTestCatalog();
  // An integration's action: its runs wait for the integration, so nothing else touches them during the test.
  const created = await catalog.api('POST', '/v1/actions', {
    identifier: 'sync_repo',
    title: 'Sync repository',
    trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
    invocationMethod: {
      type: 'INTEGRATION_ACTION',
      installationId: 'gh-main',
      integrationProvider: 'GITHUB',
      integrationActionType: 'dispatch_workflow',
      integrationActionExecutionProperties: { org: 'acme', repo: 'api', workflow: 'sync.yml' },
    },
  });
  expect(created.status).toBe(201);
});
afterAll(async () => catalog.close());

describe('PATCH /v1/actions/runs/{id} with the deprecated message key', () => {
  test('the vendor-documented example with message: the rest is applied, message changes nothing', async () => {
    const { run } = await startRun(catalog, 'sync_repo', { properties: {} });
    const patch = { ...example('run-patch-example.json'), message: { run_status: 'Run completed successfully!' } };
    const response = await catalog.api<{ ok: boolean; run: Record<string, unknown> }>(
      'PATCH',
      `/v1/actions/runs/${run.id}`,
      patch,
    );
    expect(response.status).toBe(200);
    expect(response.body.run).toMatchObject({ status: 'SUCCESS', summary: 'Run completed successfully!' });
    expect(response.body.run).not.toHaveProperty('message');
    const stored = await getRun(catalog, run.id);
    expect(stored.status).toBe('SUCCESS');
    expect(stored.link).toEqual(example<{ link: string[] }>('run-patch-example.json').link);
  });

  test('message that is not an object, or a key the vendor does not know, is still refused whole', async () => {
    const { run } = await startRun(catalog, 'sync_repo', { properties: {} });
    const cases: [Record<string, unknown>, string][] = [
      [{ statusLabel: 'x', message: 'done' }, 'body.message: '],
      [{ statusLabel: 'x', message: ['done'] }, 'body.message: '],
      [{ statusLabel: 'x', messages: {} }, 'body: '],
    ];
    for (const [body, prefix] of cases) {
      const response = await catalog.api<Problem>('PATCH', `/v1/actions/runs/${run.id}`, body);
      expect(response.status).toBe(422);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.message.startsWith(prefix)).toBe(true);
    }
    expect((await getRun(catalog, run.id)).statusLabel).toBeNull();
  });
});
