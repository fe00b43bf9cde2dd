import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startTestCatalog, TEST_CREDENTIALS, type TestCatalog } from '../helpers/catalog-server.ts';
import { type FaultProxy, startFaultProxy } from '../port/fault-proxy.ts';
import { connection, runAction, type StepResult } from './run-action.ts';

let catalog: TestCatalog;
let proxy: FaultProxy;

beforeAll(async () => {
  catalog = await startTestCatalog();
  proxy = await startFaultProxy(catalog.url);
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: { properties: { x: { type: 'number' } } },
  });
});
afterAll(async () => {
  await proxy.close();
  await catalog.close();
});

test('neither the client secret nor the token reaches any log, in debug mode, with retries and failures', async () => {
  const token = await fetch(`${catalog.url}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(TEST_CREDENTIALS),
  }).then(async (response) => ((await response.json()) as { accessToken: string }).accessToken);
  expect(token.length).toBeGreaterThan(10);

  // Debug mode logs every request and its body; a 503 adds a retry warning; the failures add error lines.
  const debug = { debug: true };
  const base = connection(proxy.url);
  proxy.inject({
    method: 'POST',
    path: '/v1/blueprints/service/entities',
    action: { status: 503, headers: { 'retry-after': '0' } },
  });
  const steps: StepResult[] = [
    await runAction({ ...base, blueprint: 'service', identifier: 'a', properties: '{"x": 1}' }, debug),
    await runAction({ ...base, operation: 'GET', blueprint: 'service', identifier: 'a' }, debug),
    await runAction({ ...base, operation: 'GET', blueprint: 'service', identifier: 'missing' }, debug),
    await runAction(
      { ...base, operation: 'BULK_UPSERT', entities: '[{"identifier": "b", "blueprint": "nope"}]' },
      debug,
    ),
    await runAction({ ...base, clientSecret: 'wrong-secret-value' }, debug),
    await runAction({ ...base, clientSecret: 'wrong-secret-value', blueprint: 'service' }, debug),
    await runAction({ ...base, blueprint: 'service', properties: '{oops' }, debug),
  ];
  const log = steps.map((step) => `${step.log}\n${step.summary}`).join('\n');
  expect(log).toContain(
    'upsertEntity POST /v1/blueprints/service/entities?upsert=true&merge=true body: {"identifier":"a"',
  );
  expect(log).toMatch(/answered 503; retry 1 of 4/);
  expect(log).not.toContain(TEST_CREDENTIALS.clientSecret);
  expect(log).not.toContain(token);
  expect(log).not.toContain('wrong-secret-value');
  // The runner hides these once masked: each step that got a token masked it, and every step its secret.
  expect(steps[0]!.masks).toEqual(expect.arrayContaining([TEST_CREDENTIALS.clientSecret, token]));
  expect(steps[4]!.masks).toEqual(['wrong-secret-value']);
  expect(steps[5]!.errors.join('\n')).toMatch(/getAccessToken POST \/v1\/auth\/access_token failed: 401/);
});

test('request bodies are logged only in debug mode', async () => {
  const step = await runAction({
    ...connection(catalog.url),
    blueprint: 'service',
    identifier: 'quiet',
    properties: '{"x": 2}',
  });
  expect(step.errors).toEqual([]);
  expect(step.log).not.toContain('body:');
  expect(step.log).not.toContain('::debug::');
});
