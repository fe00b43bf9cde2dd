import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { example, startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { MAX_ACTION_TEMPLATES } from '../../catalog/validation/index.ts';

let catalog: TestCatalog;
type Problem = { ok: false; error: string; message: string };

beforeAll(async () => {
  catalog = await startTestCatalog();
  await catalog.api('POST', '/v1/blueprints', example('blueprint-service.json'));
});
afterAll(async () => catalog.close());

const webhookAction = (identifier: string, extra: Record<string, unknown> = {}) => ({
  identifier,
  title: 'Hook',
  trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
  invocationMethod: { type: 'WEBHOOK', url: 'http://127.0.0.1:9/hook' },
  ...extra,
});

describe('actions', () => {
  test('the examples are accepted as written and read back', async () => {
    for (const name of [
      'action-deploy-service-webhook.json',
      'action-create-repository-github.json',
      'action-report-bug-github.json',
    ]) {
      const action = example<{ identifier: string; trigger: unknown; invocationMethod: unknown }>(name);
      const created = await catalog.api<{ action: Record<string, unknown> }>('POST', '/v1/actions', action);
      expect(created.status).toBe(201);
      expect(created.body.action).toMatchObject({ trigger: action.trigger, invocationMethod: action.invocationMethod });
      const read = await catalog.api<{ action: Record<string, unknown> }>('GET', `/v1/actions/${action.identifier}`);
      expect(read.body.action).toMatchObject({
        identifier: action.identifier,
        invocationMethod: action.invocationMethod,
      });
      expect(read.body.action.createdAt).toEqual(expect.any(String));
    }
    const list = await catalog.api<{ actions: { identifier: string }[] }>('GET', '/v1/actions');
    expect(list.body.actions.map((a) => a.identifier)).toEqual(['create_repository', 'deploy_service', 'report_bug']);
  });

  test('a second create is 409; PUT replaces; DELETE removes; a missing one is 404', async () => {
    await catalog.api('POST', '/v1/actions', webhookAction('hook'));
    expect((await catalog.api<Problem>('POST', '/v1/actions', webhookAction('hook'))).body.error).toBe(
      'identifier_taken',
    );
    const replaced = await catalog.api<{ action: { title: string } }>(
      'PUT',
      '/v1/actions/hook',
      webhookAction('hook', { title: 'Renamed' }),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body.action.title).toBe('Renamed');
    expect((await catalog.api('DELETE', '/v1/actions/hook')).status).toBe(200);
    expect((await catalog.api('GET', '/v1/actions/hook')).status).toBe(404);
    expect((await catalog.api('PUT', '/v1/actions/hook', webhookAction('hook'))).status).toBe(404);
    expect((await catalog.api('DELETE', '/v1/actions/hook')).status).toBe(404);
  });

  test('GITLAB and KAFKA actions are stored as written', async () => {
    const response = await catalog.api('POST', '/v1/actions', {
      ...webhookAction('gitlab'),
      invocationMethod: { type: 'GITLAB', projectName: 'p', groupName: 'g' },
    });
    expect(response.status).toBe(201);
  });

  test('a default, visible or required written as a jq query is kept; over the API no jq default is applied', async () => {
    const userInputs = {
      properties: {
        version: { type: 'string', default: { jqQuery: '.entity.properties.version' } },
        region: { type: 'string', visible: { jqQuery: '.form.version != null' }, default: 'eu' },
      },
      required: { jqQuery: '["version"]' },
    };
    const action = webhookAction('with_queries', {
      trigger: { type: 'self-service', operation: 'CREATE', userInputs },
    });
    const created = await catalog.api<{ action: { trigger: { userInputs: unknown } } }>('POST', '/v1/actions', action);
    expect(created.status).toBe(201);
    expect(created.body.action.trigger.userInputs).toEqual(userInputs);
    const run = await catalog.api<{ run: { properties: unknown } }>('POST', '/v1/actions/with_queries/runs', {});
    expect(run.status).toBe(202);
    expect(run.body.run.properties).toEqual({ region: 'eu' });
  });

  test('refuses an action with more jq queries in its inputs than an action may have, before compiling them', async () => {
    const properties = Object.fromEntries(
      Array.from({ length: MAX_ACTION_TEMPLATES + 1 }, (_, i) => [
        `i${i}`,
        { type: 'string', default: { jqQuery: '.x' } },
      ]),
    );
    const action = webhookAction('many_queries', {
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties } },
    });
    const answer = await catalog.api<Problem>('POST', '/v1/actions', action);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toBe(
      `trigger.userInputs: holds ${MAX_ACTION_TEMPLATES + 1} jq queries, more than the ${MAX_ACTION_TEMPLATES} an action may have`,
    );
  });

  test.each([
    [
      'a default query that does not compile',
      { default: { jqQuery: '.entity |' } },
      /^trigger\.userInputs\.properties\.version\.default\.jqQuery: \.entity \| is not valid jq: /,
    ],
    [
      'a default query that is not a string',
      { default: { jqQuery: 5 } },
      /^trigger\.userInputs\.properties\.version\.default\.jqQuery: must be a jq program as a string \(got 5\)/,
    ],
    [
      'a default query with other keys',
      { default: { jqQuery: '.x', value: 1 } },
      /^trigger\.userInputs\.properties\.version\.default: a jq query has only "jqQuery" \(got "value"\)/,
    ],
    [
      'a visible query that does not compile',
      { visible: { jqQuery: 'if' } },
      /^trigger\.userInputs\.properties\.version\.visible\.jqQuery: if is not valid jq: /,
    ],
  ])('refuses %s with 422 naming it', async (_name, extra, message) => {
    const action = webhookAction('bad_query', {
      trigger: {
        type: 'self-service',
        operation: 'CREATE',
        userInputs: { properties: { version: { type: 'string', ...extra } } },
      },
    });
    const answer = await catalog.api<Problem>('POST', '/v1/actions', action);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toMatch(message);
  });

  test('an input may be multi-line, a format only inputs have: a blueprint property may not', async () => {
    const notes = { type: 'string', format: 'multi-line' };
    const action = webhookAction('with_notes', {
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: { notes } } },
    });
    expect((await catalog.api('POST', '/v1/actions', action)).status).toBe(201);
    const run = await catalog.api('POST', '/v1/actions/with_notes/runs', { properties: { notes: 'one\ntwo' } });
    expect(run.status).toBe(202);
    const blueprint = await catalog.api<Problem>('POST', '/v1/blueprints', {
      identifier: 'with_notes',
      title: 'With notes',
      schema: { properties: { notes } },
    });
    expect(blueprint.status).toBe(422);
    expect(blueprint.body.message).toMatch(
      /^schema\.properties\.notes\.format: "multi-line" is not a format of type string/,
    );
  });

  test.each([
    ['a bad identifier', { identifier: 'has space' }, /^identifier: /],
    ['no title', { title: undefined }, /^title: /],
    ['an unknown trigger type', { trigger: { type: 'automation', operation: 'CREATE' } }, /^trigger\.type: /],
    ['an unknown operation', { trigger: { type: 'self-service', operation: 'UPDATE' } }, /^trigger\.operation: /],
    [
      'a DAY-2 action without a blueprint',
      { trigger: { type: 'self-service', operation: 'DAY-2', userInputs: { properties: {} } } },
      /^trigger\.blueprintIdentifier: /,
    ],
    [
      'a missing blueprint',
      { trigger: { type: 'self-service', operation: 'DAY-2', blueprintIdentifier: 'ghost' } },
      /^trigger\.blueprintIdentifier: blueprint "ghost" does not exist/,
    ],
    [
      'an input of an unknown type',
      { trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: { a: { type: 'text' } } } } },
      /^trigger\.userInputs\.properties\.a\.type/,
    ],
    [
      'a required input that does not exist',
      { trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {}, required: ['x'] } } },
      /^trigger\.userInputs\.required\[0\]/,
    ],
    ['an unknown invocation type', { invocationMethod: { type: 'PIGEON' } }, /^invocationMethod\.type/],
    ['a webhook without url', { invocationMethod: { type: 'WEBHOOK' } }, /^invocationMethod\.url/],
    [
      'a webhook url that is not http',
      { invocationMethod: { type: 'WEBHOOK', url: 'ftp://x' } },
      /^invocationMethod\.url/,
    ],
    [
      'a GitHub action without workflow',
      { invocationMethod: { type: 'GITHUB', org: 'o', repo: 'r' } },
      /^invocationMethod\.workflow/,
    ],
    [
      'an UPSERT_ENTITY to a missing blueprint',
      { invocationMethod: { type: 'UPSERT_ENTITY', blueprintIdentifier: 'ghost', mapping: {} } },
      /^invocationMethod\.blueprintIdentifier/,
    ],
  ])('refuses %s with 422 naming the field', async (_name, patch, message) => {
    const response = await catalog.api<Problem>('POST', '/v1/actions', webhookAction('bad_action', patch));
    expect(response.status).toBe(422);
    expect(response.body.error).toBe('invalid_request');
    expect(response.body.message).toMatch(message);
    expect((await catalog.api('GET', '/v1/actions/bad_action')).status).toBe(404);
  });
});
