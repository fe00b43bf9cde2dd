/**
 * The committed bundle, run as GitHub runs it: `node dist/index.js` with INPUT_* variables (action.yml's defaults
 * for the inputs not given), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. The behaviour is tested on the source
 * (run-action.ts); this proves that the bundle starts, reads its inputs, talks HTTP and writes what the runner reads.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startTestCatalog, TEST_CREDENTIALS, type TestCatalog } from '../helpers/catalog-server.ts';
import { connection, jsonOutput } from './run-action.ts';
import { runBundle } from './run-bundle.ts';

let catalog: TestCatalog;

beforeAll(async () => {
  catalog = await startTestCatalog();
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: { properties: { language: { type: 'string' } } },
  });
});
afterAll(async () => catalog.close());

test('UPSERT (the default operation) then GET: the entity written, outputs and summary in the files, secret masked', async () => {
  const upsert = await runBundle(
    { ...connection(catalog.url), blueprint: 'service', identifier: 'bundled', properties: '{"language": "Go"}' },
    { env: { RUNNER_DEBUG: '1' } },
  );
  expect(upsert.errors).toEqual([]);
  expect(upsert.exitCode).toBe(0);
  expect(upsert.outputs.identifier).toBe('bundled');
  expect(upsert.summary).toContain('### Port: UPSERT');
  expect(upsert.masks).toContain(TEST_CREDENTIALS.clientSecret);
  expect(upsert.log).not.toContain(TEST_CREDENTIALS.clientSecret);
  // Debug logging on (RUNNER_DEBUG): the request bodies are logged.
  expect(upsert.log).toMatch(/^::debug::upsertEntity POST \/v1\/blueprints\/service\/entities\S* body: /m);

  const get = await runBundle({
    ...connection(catalog.url),
    operation: 'GET',
    blueprint: 'service',
    identifier: 'bundled',
  });
  expect(get.exitCode).toBe(0);
  expect(jsonOutput(get, 'entity')).toMatchObject({ identifier: 'bundled', properties: { language: 'Go' } });
});

test('a bad input fails the step with an ::error:: line naming it; a multi-line secret is masked as the runner reads it', async () => {
  const step = await runBundle({
    ...connection(catalog.url),
    clientSecret: 'first-line\nsecond-line',
    operation: 'GET',
    blueprint: 'service',
  });
  expect(step.exitCode).toBe(1);
  // A workflow command is one line: the secret's line break comes escaped, and each line is masked on its own too.
  expect(step.masks).toEqual(expect.arrayContaining(['first-line%0Asecond-line', 'first-line', 'second-line']));
  expect(step.errors).toEqual(['Input "identifier" is required for GET']);
  expect(step.summary).toContain('Port: GET not started');
});
