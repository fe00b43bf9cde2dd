import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:net';
import { example, startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../helpers/catalog-server.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { getRunLogs, startRun, waitForLog, waitForRun } from '../helpers/runs.ts';
import { hasValidPortSignature } from '../helpers/signature.ts';

let catalog: TestCatalog;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  catalog = await startTestCatalog({
    secrets: { DEPLOY_TOKEN: 'deploy-secret-token' },
    appUrl: `${receiver.url}/api/port/invocations`,
    delivery: { invocationMaxAttempts: 3 },
  });
  await catalog.api('POST', '/v1/blueprints', example('blueprint-service.json'));
  const { relations: _relations, ...userService } = example('entity-service-user-service.json');
  await catalog.api('POST', '/v1/blueprints/service/entities', userService);
});
afterEach(() => {
  receiver.requests.length = 0;
  receiver.respondWith([], 200);
});
afterAll(async () => {
  await catalog.close();
  await receiver.close();
});

let counter = 0;
/** Creates an action with the given invocation method and starts a run of it. */
async function runOf(
  invocationMethod: Record<string, unknown>,
  extra: { properties?: unknown; operation?: string } = {},
) {
  const identifier = `action_${++counter}`;
  const created = await catalog.api('POST', '/v1/actions', {
    identifier,
    title: identifier,
    trigger: {
      type: 'self-service',
      operation: extra.operation ?? 'CREATE',
      userInputs: { properties: { name: { type: 'string' }, count: { type: 'number' } } },
    },
    invocationMethod,
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const { run } = await startRun(catalog, identifier, {
    properties: extra.properties ?? { name: 'billing', count: 2 },
  });
  return run;
}

describe('WEBHOOK', () => {
  test('the deploy_service example: rendered body and headers, signed with the client secret', async () => {
    const action = example<{ invocationMethod: { url: string } }>('action-deploy-service-webhook.json');
    action.invocationMethod.url = `${receiver.url}/deploy`;
    await catalog.api('POST', '/v1/actions', action);
    const { run } = await startRun(catalog, 'deploy_service', {
      properties: { environment: 'production', version: '2.0.0', replicas: 3 },
      entity: 'user-service',
    });
    const [request] = await receiver.waitFor(1);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/deploy');
    expect(request!.headers.authorization).toBe('Bearer deploy-secret-token');
    expect(request!.body).toEqual({
      service: 'user-service',
      environment: 'production',
      version: '2.0.0',
      replicas: 3,
      resources: { cpu: '500m', memory: '512Mi' },
    });
    expect(hasValidPortSignature(request!, TEST_CREDENTIALS.clientSecret)).toBe(true);
    expect(hasValidPortSignature(request!, 'another-secret')).toBe(false);
    const logs = await waitForLog(catalog, run.id, /^Invoked webhook POST/);
    expect(logs.map((log) => log.message)).toEqual([`Invoked webhook POST ${receiver.url}/deploy (200)`]);
    expect((await waitForRun(catalog, run.id, () => true)).status).toBe('IN_PROGRESS');
  });

  test('retries a receiver that fails twice; a synchronized webhook ends the run from the answer', async () => {
    receiver.respondWith([503, 502], 200);
    const run = await runOf({
      type: 'WEBHOOK',
      url: `${receiver.url}/sync`,
      synchronized: true,
      body: { n: '{{ .inputs.count }}' },
    });
    const ended = await waitForRun(catalog, run.id);
    expect(ended.status).toBe('SUCCESS');
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.requests.map((r) => r.body)).toEqual([{ n: 2 }, { n: 2 }, { n: 2 }]);
    expect(receiver.requests.every((r) => hasValidPortSignature(r, TEST_CREDENTIALS.clientSecret))).toBe(true);
  });

  test('gives up after the last attempt and ends the run FAILURE saying why', async () => {
    receiver.respondWith([], 503);
    const run = await runOf({ type: 'WEBHOOK', url: `${receiver.url}/down` });
    const ended = await waitForRun(catalog, run.id);
    expect(ended.status).toBe('FAILURE');
    expect(receiver.requests).toHaveLength(3);
    const [log] = await getRunLogs(catalog, run.id);
    expect(log!.message).toBe(
      `Invocation failed: webhook POST ${receiver.url}/down answered 503: {"ok":false,"error":"status 503"} (gave up after 3 attempts)`,
    );
    expect(log!.terminationStatus).toBe('FAILURE');
  });

  test('a 4xx answer fails the run at once; a synchronized 4xx too', async () => {
    receiver.respondWith([404], 200);
    const run = await runOf({ type: 'WEBHOOK', url: `${receiver.url}/missing`, synchronized: true });
    const ended = await waitForRun(catalog, run.id);
    expect(ended.status).toBe('FAILURE');
    expect(receiver.requests).toHaveLength(1);
    expect((await getRunLogs(catalog, run.id))[0]!.message).toMatch(
      /^Invocation failed: webhook POST .*\/missing answered 404/,
    );
  });

  test('an unreachable receiver fails the run after the retries, saying it could not be reached', async () => {
    const port = await freePort();
    const run = await runOf({ type: 'WEBHOOK', url: `http://127.0.0.1:${port}/nobody` });
    await waitForRun(catalog, run.id);
    const [log] = await getRunLogs(catalog, run.id);
    expect(log!.message).toBe(
      `Invocation failed: webhook POST http://127.0.0.1:${port}/nobody could not be reached (ECONNREFUSED) (gave up after 3 attempts)`,
    );
  });

  test('without a body, the vendor default payload is sent; GET sends none', async () => {
    const run = await runOf({ type: 'WEBHOOK', url: `${receiver.url}/default` });
    const [request] = await receiver.waitFor(1);
    expect(request!.body).toMatchObject({
      action: expect.stringMatching(/^action_/),
      resourceType: 'run',
      status: 'TRIGGERED',
      context: { runId: run.id },
      payload: { properties: { name: 'billing', count: 2 } },
    });
    receiver.requests.length = 0;
    await runOf({ type: 'WEBHOOK', url: `${receiver.url}/get?name={{ .inputs.name }}`, method: 'GET' });
    const [get] = await receiver.waitFor(1);
    expect(get!.method).toBe('GET');
    expect(get!.path).toBe('/get?name=billing');
    expect(get!.rawBody).toBe('');
  });

  test('a jq error in a template ends the run FAILURE and the log names the template', async () => {
    const run = await runOf({ type: 'WEBHOOK', url: receiver.url, body: { n: '{{ .inputs.name | tonumber }}' } });
    const ended = await waitForRun(catalog, run.id);
    expect(ended.status).toBe('FAILURE');
    const [log] = await getRunLogs(catalog, run.id);
    expect(log!.message).toMatch(
      /^Invocation failed: could not render invocationMethod\.body\.n: \{\{ \.inputs\.name \| tonumber \}\}: .*billing/,
    );
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('GITHUB', () => {
  test('the report_bug example is delivered to the App as the invocation contract, signed', async () => {
    await catalog.api('POST', '/v1/actions', example('action-report-bug-github.json'));
    const response = await catalog.api<{ run: { id: string } }>(
      'POST',
      '/v1/actions/report_bug/runs?run_as=ada.lovelace@example.com',
      { properties: { short_title: 'It broke', description: 'badly' } },
    );
    const runId = response.body.run.id;
    const [request] = await receiver.waitFor(1);
    expect(request!.path).toBe('/api/port/invocations');
    expect(request!.body).toEqual({
      runId,
      org: 'Port-samples',
      repo: 'Port-actions',
      workflow: 'reportBug.yaml',
      workflowInputs: {
        port_context: { user_first_name: 'ada.lovelace', user_last_name: null, runId },
        short_title: 'It broke',
        description: 'badly',
      },
      reportWorkflowStatus: true,
    });
    expect(hasValidPortSignature(request!, TEST_CREDENTIALS.clientSecret)).toBe(true);
    await waitForLog(catalog, runId, /^Sent to the GitHub App/);
  });

  test('the create_repository example: inputs checked against the schema, defaults applied, then delivered', async () => {
    await catalog.api('POST', '/v1/actions', example('action-create-repository-github.json'));
    const refused = await catalog.api<{ error: string; message: string }>(
      'POST',
      '/v1/actions/create_repository/runs',
      {
        properties: { name: 'Not Valid', template: 'microservice', team: 'platform' },
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('user_inputs_schema_invalid');
    expect(refused.body.message).toBe('input "name" must match the pattern ^[a-z0-9-]+$ (got "Not Valid")');

    const { run } = await startRun(catalog, 'create_repository', {
      properties: { name: 'payments-api', template: 'microservice', team: 'platform' },
    });
    const [request] = await receiver.waitFor(1);
    expect(request!.body).toEqual({
      runId: run.id,
      org: 'your-org',
      repo: 'platform-workflows',
      workflow: 'create-repository.yml',
      workflowInputs: {
        repository_name: 'payments-api',
        description: null,
        template: 'microservice',
        team: 'platform',
        visibility: 'private',
      },
      reportWorkflowStatus: true,
    });
  });

  test('an App that refuses the invocation fails the run with its answer', async () => {
    receiver.respondWith([404]);
    const run = await runOf({ type: 'GITHUB', org: 'o', repo: 'r', workflow: 'w.yml', reportWorkflowStatus: false });
    const ended = await waitForRun(catalog, run.id);
    expect(ended.status).toBe('FAILURE');
    expect((await getRunLogs(catalog, run.id))[0]!.message).toMatch(
      /^Invocation failed: the GitHub App at .* answered 404/,
    );
    expect((receiver.requests[0]!.body as { reportWorkflowStatus: boolean }).reportWorkflowStatus).toBe(false);
  });
});

describe('UPSERT_ENTITY and others', () => {
  test('UPSERT_ENTITY writes the rendered entity and ends the run SUCCESS', async () => {
    const run = await runOf({
      type: 'UPSERT_ENTITY',
      blueprintIdentifier: 'service',
      mapping: {
        identifier: '{{ .inputs.name }}',
        title: 'Service {{ .inputs.name }}',
        properties: { name: '{{ .inputs.name }}', owner: 'platform', lifecycle: 'Development' },
      },
    });
    const ended = await waitForRun(catalog, run.id);
    expect(ended.status).toBe('SUCCESS');
    const entity = await catalog.api<{ entity: Record<string, unknown> }>(
      'GET',
      '/v1/blueprints/service/entities/billing',
    );
    expect(entity.body.entity).toMatchObject({
      title: 'Service billing',
      properties: { name: 'billing', lifecycle: 'Development' },
    });
    expect((await getRunLogs(catalog, run.id)).map((log) => log.message)).toEqual([
      'created entity "billing" of blueprint "service"',
      'Created entity "billing" of blueprint "service"',
    ]);
  });

  test('UPSERT_ENTITY that breaks the blueprint ends the run FAILURE with the reason', async () => {
    const run = await runOf({
      type: 'UPSERT_ENTITY',
      blueprintIdentifier: 'service',
      mapping: { identifier: 'broken', properties: { name: 'x', lifecycle: 'Forever' } },
    });
    expect((await waitForRun(catalog, run.id)).status).toBe('FAILURE');
    expect((await getRunLogs(catalog, run.id))[0]!.message).toMatch(
      /^Could not upsert the entity: property "lifecycle" must be one of/,
    );
    expect((await catalog.api('GET', '/v1/blueprints/service/entities/broken')).status).toBe(404);
  });

  test('an invocation method the catalog cannot run ends the run with "not supported here"', async () => {
    const run = await runOf({ type: 'GITLAB', projectName: 'p', groupName: 'g' });
    expect((await waitForRun(catalog, run.id)).status).toBe('FAILURE');
    expect((await getRunLogs(catalog, run.id))[0]!.message).toBe(
      'Invocation method GITLAB is not supported by the embedded catalog (supported: WEBHOOK, GITHUB, UPSERT_ENTITY and INTEGRATION_ACTION)',
    );
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
