import { beforeAll, describe, expect, test } from '@jest/globals';
import { InputError, readSettings, type InputName } from '../../src/action/inputs.ts';
import { closedPortUrl, connection, runAction } from './run-action.ts';

/** Where nothing listens: a step that tried the network would fail with a network error, not the input's. */
let nowhere: Record<string, string>;
beforeAll(async () => {
  nowhere = connection(await closedPortUrl());
});

/** Runs the bundle with these inputs on top of valid credentials and an unreachable baseUrl. */
async function inputFailure(inputs: Record<string, string>) {
  const step = await runAction({ ...nowhere, ...inputs });
  expect(step.exitCode).toBe(1);
  expect(step.log).not.toMatch(/network error|ECONNREFUSED|getAccessToken/);
  expect(step.outputs).toEqual({});
  expect(step.summary).toContain('not started');
  return step.errors.join('\n');
}

describe('every bad input fails the step before any network call, naming the input', () => {
  test.concurrent.each([
    [
      'an unknown operation',
      { operation: 'FETCH' },
      'Input "operation" must be one of UPSERT, GET, SEARCH, BULK_UPSERT, DELETE, CREATE_RUN, PATCH_RUN (in any case), got "FETCH"',
    ],
    [
      'properties that are not JSON',
      { blueprint: 'service', properties: '{\n  "a": 1\n  "b": 2\n}' },
      'Input "properties" is not valid JSON: expected "," at line 3, column 3 (position 13)',
    ],
    [
      'properties that are not an object',
      { blueprint: 'service', properties: '[1]' },
      'Input "properties" must be a JSON object',
    ],
    [
      'relations that are not JSON',
      { blueprint: 'service', relations: '{"owner": platform}' },
      'Input "relations" is not valid JSON: unexpected character at line 1, column 11 (position 10)',
    ],
    [
      'a relation value of the wrong type',
      { blueprint: 'service', relations: '{"owner": 5}' },
      'Input "relations" owner: must be an identifier, an array of identifiers, null, or a search query {combinator, rules}',
    ],
    [
      'a team in single quotes (the vendor docs example)',
      { blueprint: 'service', team: "['platform']" },
      'Input "team" is not valid JSON: unexpected character at line 1, column 2 (position 1) (JSON strings take double quotes: ["a", "b"])',
    ],
    [
      'a team list of numbers',
      { blueprint: 'service', team: '[1, 2]' },
      'Input "team" must be a JSON array of strings or a plain string',
    ],
    [
      'entities that are not JSON',
      { operation: 'BULK_UPSERT', entities: '[{"identifier": "a"},]' },
      'Input "entities" is not valid JSON: expected a value at line 1, column 22 (position 21)',
    ],
    [
      'entities that are not a list',
      { operation: 'BULK_UPSERT', entities: '{"identifier": "a"}' },
      'Input "entities" must be a JSON array of entities',
    ],
    [
      'an entity with a misspelt key',
      { operation: 'BULK_UPSERT', entities: '[{"identifier": "a", "blueprint": "s", "propeties": {}}]' },
      'Input "entities" [0]: unknown key "propeties"',
    ],
    [
      'an entity whose properties are not an object',
      {
        operation: 'BULK_UPSERT',
        entities: '[{"identifier": "a", "blueprint": "s"}, {"blueprint": "s", "properties": "x"}]',
      },
      'Input "entities" [1].properties: must be a JSON object',
    ],
    [
      'an entity without a blueprint, and no blueprint input',
      { operation: 'BULK_UPSERT', entities: '[{"identifier": "a", "blueprint": "s"}, {"identifier": "b"}]' },
      'Input "entities" [1] has no "blueprint" (give it one, or the "blueprint" input)',
    ],
    [
      'a query that is not JSON',
      { operation: 'SEARCH', query: '{"combinator": "and", "rules": [}' },
      'Input "query" is not valid JSON: expected a value at line 1, column 33 (position 32)',
    ],
    [
      'a query without a combinator',
      { operation: 'SEARCH', query: '{"rules": []}' },
      'Input "query" combinator: must be "and" or "or"',
    ],
    [
      'a link that is not JSON',
      { operation: 'PATCH_RUN', runId: 'r_1', link: '["https://a",' },
      'Input "link" is not valid JSON: expected a value at line 1, column 14 (position 13)',
    ],
    [
      'an unknown status',
      { operation: 'PATCH_RUN', runId: 'r_1', status: 'DONE' },
      'Input "status" must be one of SUCCESS, FAILURE (in any case), got "DONE"',
    ],
    [
      'delete_dependents: yes',
      { operation: 'DELETE', blueprint: 's', identifier: 'a', delete_dependents: 'yes' },
      'Input "delete_dependents" must be true or false, got "yes"',
    ],
    [
      'createMissingRelatedEntities: 1',
      { blueprint: 's', createMissingRelatedEntities: '1' },
      'Input "createMissingRelatedEntities" must be true or false, got "1"',
    ],
    ['dryRun: on', { blueprint: 's', dryRun: 'on' }, 'Input "dryRun" must be true or false, got "on"'],
    [
      'wait: maybe',
      { operation: 'CREATE_RUN', action: 'a', wait: 'maybe' },
      'Input "wait" must be true or false, got "maybe"',
    ],
    [
      'failOnRunFailure: nope',
      { operation: 'CREATE_RUN', action: 'a', failOnRunFailure: 'nope' },
      'Input "failOnRunFailure" must be true or false, got "nope"',
    ],
    [
      'waitTimeout: 10m',
      { operation: 'CREATE_RUN', action: 'a', waitTimeout: '10m' },
      'Input "waitTimeout" must be a number of seconds above 0, at most 21600, got "10m"',
    ],
    [
      'requestTimeout: 0',
      { blueprint: 's', requestTimeout: '0' },
      'Input "requestTimeout" must be a number of seconds above 0, at most 600, got "0"',
    ],
    [
      'an unknown region',
      { blueprint: 's', region: 'asia', baseUrl: '' },
      'Input "region" must be one of eu, us (in any case), got "asia"',
    ],
    [
      'both baseUrl and region',
      { blueprint: 's', region: 'eu' },
      'Input "region" cannot be given with "baseUrl": give one of them',
    ],
    [
      'dryRun for CREATE_RUN',
      { operation: 'CREATE_RUN', action: 'a', dryRun: 'true' },
      'Input "dryRun" is not supported for CREATE_RUN: the API cannot check a run without starting it',
    ],
    ['no clientId', { blueprint: 's', clientId: '' }, 'Input "clientId" is required'],
    ['no clientSecret', { blueprint: 's', clientSecret: '' }, 'Input "clientSecret" is required'],
    ['UPSERT without blueprint', { operation: 'UPSERT', identifier: 'a' }, 'Input "blueprint" is required for UPSERT'],
    ['GET without identifier', { operation: 'GET', blueprint: 's' }, 'Input "identifier" is required for GET'],
    ['GET without blueprint', { operation: 'GET', identifier: 'a' }, 'Input "blueprint" is required for GET'],
    ['SEARCH without query', { operation: 'SEARCH' }, 'Input "query" is required for SEARCH'],
    [
      'BULK_UPSERT without entities',
      { operation: 'BULK_UPSERT' },
      'Input "entities" is required for BULK_UPSERT (give "entities" or "entitiesFile")',
    ],
    ['DELETE without identifier', { operation: 'DELETE', blueprint: 's' }, 'Input "identifier" is required for DELETE'],
    ['CREATE_RUN without action', { operation: 'CREATE_RUN' }, 'Input "action" is required for CREATE_RUN'],
    ['PATCH_RUN without runId', { operation: 'PATCH_RUN', logMessage: 'x' }, 'Input "runId" is required for PATCH_RUN'],
    [
      'PATCH_RUN with nothing to change',
      { operation: 'PATCH_RUN', runId: 'r_1' },
      'Input "logMessage" is required for PATCH_RUN (give "logMessage" or "status" or "statusLabel" or "link" or "summary" or "externalRunId")',
    ],
  ] as Array<[string, Record<string, string>, string]>)('%s', async (_case, inputs, message) => {
    expect(await inputFailure(inputs)).toBe(message);
  });

  test('a baseUrl that is not an http(s) URL', async () => {
    const step = await runAction({ ...nowhere, blueprint: 's', baseUrl: 'ftp://example.com' });
    expect(step.exitCode).toBe(1);
    expect(step.errors).toEqual(['Input "baseUrl" must be an http(s) URL, got "ftp://example.com"']);
  });

  test('every problem is reported at once, in the order of action.yml', async () => {
    const error = await inputFailure({
      operation: 'upsert',
      properties: '{',
      team: '[',
      dryRun: 'sometimes',
    });
    expect(error).toBe(
      [
        '4 inputs are wrong:',
        '- Input "blueprint" is required for UPSERT',
        '- Input "properties" is not valid JSON: expected "}" at line 1, column 2 (position 1)',
        '- Input "team" is not valid JSON: expected "]" at line 1, column 2 (position 1)',
        '- Input "dryRun" must be true or false, got "sometimes"',
      ].join('\n'),
    );
  });
});

describe('readSettings', () => {
  const read = (inputs: Partial<Record<InputName, string>>) => (name: InputName) => inputs[name] ?? '';
  const credentials = { clientId: 'id', clientSecret: 'secret', blueprint: 's' };

  test.each([
    [{}, 'https://api.getport.io'],
    [{ region: 'EU' }, 'https://api.port.io'],
    [{ region: 'us' }, 'https://api.us.port.io'],
    [{ baseUrl: 'http://localhost:3000/' }, 'http://localhost:3000'],
  ])('baseUrl from %j: %s', (inputs, baseUrl) => {
    expect(readSettings(read({ ...credentials, ...inputs }), '/repo').connection.baseUrl).toBe(baseUrl);
  });

  test('operation and booleans in any case; defaults as action.yml documents them', () => {
    const settings = readSettings(
      read({ ...credentials, operation: 'delete', identifier: 'a', delete_dependents: 'TRUE' }),
      '/repo',
    );
    expect(settings).toEqual({
      connection: {
        baseUrl: 'https://api.getport.io',
        clientId: 'id',
        clientSecret: 'secret',
        requestTimeoutMs: 30_000,
      },
      dryRun: false,
      workspace: '/repo',
      operation: { operation: 'DELETE', blueprint: 's', identifier: 'a', deleteDependents: true, runId: undefined },
    });
  });

  test('problems come as one InputError listing each', () => {
    expect(() => readSettings(read({ operation: 'GET' }), '/repo')).toThrow(InputError);
  });
});
