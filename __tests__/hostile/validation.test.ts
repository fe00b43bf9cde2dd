import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MAX_PATTERN_PROGRAM_SIZE } from '../../catalog/validation/index.ts';
import { MAX_JSON_DEPTH } from '../../src/json/index.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { duringAttack } from './responsiveness.ts';

let catalog: TestCatalog;
type Problem = { ok: false; error: string; message: string };

beforeAll(async () => {
  catalog = await startTestCatalog();
});
afterAll(async () => catalog.close());

const EVIL = '^(a+)+$';
/** 30 a's and a "!" take JavaScript's backtracking engine about 12 s; 40 never finish. */
const EVIL_INPUT = `${'a'.repeat(40)}!`;

const blueprint = (identifier: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  identifier,
  title: identifier,
  schema: { properties },
  ...extra,
});

const action = (identifier: string, extra: Record<string, unknown> = {}) => ({
  identifier,
  title: identifier,
  trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
  invocationMethod: { type: 'WEBHOOK', url: 'http://127.0.0.1:9/hook' },
  ...extra,
});

/** Writes a CREATE action with these inputs. */
const postActionWithInputs = (identifier: string, userInputs: Record<string, unknown>) =>
  catalog.api<Problem>(
    'POST',
    '/v1/actions',
    action(identifier, { trigger: { type: 'self-service', operation: 'CREATE', userInputs } }),
  );

/** `{"a": {"a": ... "leaf" ...}}`, `levels` objects deep. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

describe('user patterns run in linear time', () => {
  test('a catastrophic pattern on a blueprint property answers at once, and /healthz keeps answering', async () => {
    const created = await catalog.api(
      'POST',
      '/v1/blueprints',
      blueprint('evil', { name: { type: 'string', pattern: EVIL } }),
    );
    expect(created.status).toBe(201);
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () =>
      catalog.api<Problem>('POST', '/v1/blueprints/evil/entities', {
        identifier: 'e1',
        properties: { name: EVIL_INPUT },
      }),
    );
    expect(result.status).toBe(422);
    expect(result.body.message).toBe(`property "name" must match the pattern ${EVIL} (got "${EVIL_INPUT}")`);
    expect(slowestHealthzMs).toBeLessThan(1000);
    const matching = await catalog.api('POST', '/v1/blueprints/evil/entities', {
      identifier: 'e2',
      properties: { name: 'aaaa' },
    });
    expect(matching.status).toBe(201);
  });

  test('a catastrophic pattern checked against the blueprint default and enum answers at once', async () => {
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, async () => [
      await catalog.api<Problem>(
        'POST',
        '/v1/blueprints',
        blueprint('evil_default', { name: { type: 'string', pattern: EVIL, default: EVIL_INPUT } }),
      ),
      await catalog.api<Problem>(
        'POST',
        '/v1/blueprints',
        blueprint('evil_enum', { name: { type: 'string', pattern: EVIL, enum: ['aaa', EVIL_INPUT] } }),
      ),
    ]);
    const [byDefault, byEnum] = result;
    expect(byDefault!.status).toBe(422);
    expect(byDefault!.body.message).toBe(
      `schema.properties.name.default: must match the pattern ${EVIL} (got "${EVIL_INPUT}")`,
    );
    expect(byEnum!.status).toBe(422);
    expect(byEnum!.body.message).toBe(
      `schema.properties.name.enum[1]: must match the pattern ${EVIL} (got "${EVIL_INPUT}")`,
    );
    expect(slowestHealthzMs).toBeLessThan(1000);
  });

  test('a catastrophic userInputs pattern is checked at run creation at once', async () => {
    const userInputs = { properties: { name: { type: 'string', pattern: EVIL } } };
    expect((await postActionWithInputs('evil_inputs', userInputs)).status).toBe(201);
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () =>
      catalog.api<Problem>('POST', '/v1/actions/evil_inputs/runs', { properties: { name: EVIL_INPUT } }),
    );
    expect(result.status).toBe(422);
    expect(result.body.error).toBe('user_inputs_schema_invalid');
    expect(result.body.message).toBe(`input "name" must match the pattern ${EVIL} (got "${EVIL_INPUT}")`);
    expect(slowestHealthzMs).toBeLessThan(1000);
  });

  test.each([
    ['(?=a)', 'lookahead "(?="'],
    ['^(?!admin)', 'negative lookahead "(?!"'],
    ['(?<=v)\\d', 'lookbehind "(?<="'],
    ['(?<!x)y', 'negative lookbehind "(?<!"'],
    ['(a)\\1', 'a backreference "\\1"'],
    ['(?<n>a)\\k<n>', 'a named backreference "\\k<"'],
  ])('a blueprint pattern %p is refused on write, naming the construct', async (pattern, construct) => {
    const response = await catalog.api<Problem>(
      'POST',
      '/v1/blueprints',
      blueprint('refused', { version: { type: 'string', pattern } }),
    );
    expect(response.status).toBe(422);
    expect(response.body.message).toBe(
      `schema.properties.version.pattern: ${JSON.stringify(pattern)} uses ${construct}, which wharf's linear-time regex engine (RE2) does not run`,
    );
  });

  test('a userInputs pattern RE2 cannot run is refused on write, naming the input', async () => {
    const userInputs = { properties: { tag: { type: 'string', pattern: '^(?!latest$).+' } } };
    const response = await postActionWithInputs('lookahead_input', userInputs);
    expect(response.status).toBe(422);
    expect(response.body.message).toBe(
      'trigger.userInputs.properties.tag.pattern: "^(?!latest$).+" uses negative lookahead "(?!", which wharf\'s linear-time regex engine (RE2) does not run',
    );
  });

  test('a pattern too large for RE2 is refused naming the limit', async () => {
    const response = await catalog.api<Problem>(
      'POST',
      '/v1/blueprints',
      blueprint('huge', { code: { type: 'string', pattern: '^(a|b){400}$' } }),
    );
    expect(response.status).toBe(422);
    expect(response.body.message).toMatch(
      new RegExp(
        `^schema\\.properties\\.code\\.pattern: "\\^\\(a\\|b\\)\\{400\\}\\$" is too large for wharf's linear-time regex engine \\(RE2\\): it compiles to \\d+ instructions, more than ${MAX_PATTERN_PROGRAM_SIZE}`,
      ),
    );
  });

  test('ECMAScript pattern syntax keeps its meaning on RE2', async () => {
    const properties = {
      word: { type: 'string', pattern: '^\\p{L}+$' },
      id: { type: 'string', pattern: '^(?<prefix>[a-z]+)-\\d{2,4}$' },
      path: { type: 'string', pattern: '^/srv/[^/]+$' },
      code: { type: 'string', pattern: '^\\u00e9t\\u00e9$' },
    };
    expect((await catalog.api('POST', '/v1/blueprints', blueprint('ecma', properties))).status).toBe(201);
    const good = { word: 'Größe', id: 'abc-123', path: '/srv/app', code: 'été' };
    const written = await catalog.api('POST', '/v1/blueprints/ecma/entities', { identifier: 'ok', properties: good });
    expect(written.status).toBe(201);
    for (const [name, value] of Object.entries({ word: 'a1', id: 'abc-1', path: '/srv/a/b', code: 'ete' })) {
      const refused = await catalog.api<Problem>('POST', '/v1/blueprints/ecma/entities', {
        identifier: `bad-${name}`,
        properties: { ...good, [name]: value },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.message).toMatch(new RegExp(`^property "${name}" must match the pattern`));
    }
  });
});

describe('pattern matching work is bounded per turn of the event loop', () => {
  test('a MiB of text against a pattern RE2 needs 1.4 s for answers 422 naming the budget; /healthz answers', async () => {
    const slow = '[a-z]{0,60}[0-9]';
    expect(
      (await catalog.api('POST', '/v1/blueprints', blueprint('wide', { text: { type: 'string', pattern: slow } })))
        .status,
    ).toBe(201);
    const long = 'a'.repeat(1_000_000);
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () =>
      catalog.api<Problem>('POST', '/v1/blueprints/wide/entities', { identifier: 'w1', properties: { text: long } }),
    );
    expect(slowestHealthzMs).toBeLessThan(1000);
    expect(result.status).toBe(422);
    expect(result.body.message).toMatch(
      /^property "text" is 1,000,000 characters long, too long to check against the pattern "\[a-z\]\{0,60\}\[0-9\]" \(\d+ RE2 instructions\) together with the rest of this request: wharf matches at most 20,000,000 characters times instructions at once/,
    );
    const short = await catalog.api('POST', '/v1/blueprints/wide/entities', {
      identifier: 'w2',
      properties: { text: `${'a'.repeat(10_000)}7` },
    });
    expect(short.status).toBe(201);
  });
});

describe('reserved keys', () => {
  beforeAll(async () => {
    await catalog.api('POST', '/v1/blueprints', blueprint('target', {}));
    await catalog.api(
      'POST',
      '/v1/blueprints',
      blueprint('keys', { config: { type: 'object' } }, { relations: { owner: { target: 'target' } } }),
    );
  });

  test.each([
    ['properties', '{"identifier":"k1","properties":{"__proto__":{"x":1}}}', 'body.properties.__proto__'],
    ['relations', '{"identifier":"k2","relations":{"__proto__":"t"}}', 'body.relations.__proto__'],
    [
      'a nested value',
      '{"identifier":"k3","properties":{"config":{"a":{"__proto__":1}}}}',
      'body.properties.config.a.__proto__',
    ],
  ])('"__proto__" in %s is refused naming where it is, and nothing is written', async (_where, text, path) => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/keys/entities', text);
    expect(response.status).toBe(422);
    expect(response.body.message).toBe(
      `${path}: the key "__proto__" is not accepted: JavaScript would read it as the object's prototype`,
    );
    const identifier = (JSON.parse(text) as { identifier: string }).identifier;
    expect((await catalog.api('GET', `/v1/blueprints/keys/entities/${identifier}`)).status).toBe(404);
  });

  test.each(['constructor', 'prototype'])('"%s" as a property or relation name is refused', async (name) => {
    for (const field of ['properties', 'relations']) {
      const response = await catalog.api<Problem>('POST', '/v1/blueprints/keys/entities', {
        identifier: 'k4',
        [field]: { [name]: 'x' },
      });
      expect(response.status).toBe(422);
      expect(response.body.message).toBe(
        `body.${field}.${name}: "${name}" is reserved: every JavaScript object already has a member of that name`,
      );
    }
  });

  test('blueprint property names "constructor" and "__proto__" are refused', async () => {
    const byConstructor = await catalog.api<Problem>('POST', '/v1/blueprints', {
      ...blueprint('proto', { constructor: { type: 'string' } }),
      schema: { properties: { constructor: { type: 'string' } }, required: ['constructor'] },
    });
    expect(byConstructor.status).toBe(422);
    expect(byConstructor.body.message).toBe(
      'schema.properties["constructor"]: identifier "constructor" is reserved: every JavaScript object already has a member of that name',
    );
    const byProto = await catalog.api<Problem>(
      'POST',
      '/v1/blueprints',
      '{"identifier":"proto","title":"P","schema":{"properties":{"__proto__":{"type":"string"}}}}',
    );
    expect(byProto.status).toBe(422);
    expect(byProto.body.message).toMatch(/^body\.schema\.properties\.__proto__: the key "__proto__" is not accepted/);
  });

  test('an action input named "constructor" is refused', async () => {
    const userInputs = { properties: { constructor: { type: 'string' } }, required: ['constructor'] };
    const response = await postActionWithInputs('ctor', userInputs);
    expect(response.status).toBe(422);
    expect(response.body.message).toBe(
      'trigger.userInputs.properties.constructor: input name "constructor" is reserved: every JavaScript object already has a member of that name',
    );
  });
});

describe('numbers out of range', () => {
  test('1e400 is refused naming the path, not stored as null', async () => {
    await catalog.api('POST', '/v1/blueprints', blueprint('sized', { size: { type: 'number' } }));
    for (const literal of ['1e400', '-1e400']) {
      const response = await catalog.api<Problem>(
        'POST',
        '/v1/blueprints/sized/entities',
        `{"identifier":"big","properties":{"size":${literal}}}`,
      );
      expect(response.status).toBe(422);
      expect(response.body.message).toBe(
        `body.properties.size: is a number too large to store: it is beyond ±${Number.MAX_VALUE} (the range of a 64-bit float)`,
      );
    }
    expect((await catalog.api('GET', '/v1/blueprints/sized/entities/big')).status).toBe(404);
  });
});

describe('deep JSON', () => {
  beforeAll(async () => {
    await catalog.api('POST', '/v1/blueprints', blueprint('deep', { config: { type: 'object' } }));
  });

  test(`an entity nested ${MAX_JSON_DEPTH} levels deep is written; one level more is a 422 naming the path`, async () => {
    // The body is level 1 and properties level 2: config may hold MAX_JSON_DEPTH - 2 levels.
    const fits = await catalog.api('POST', '/v1/blueprints/deep/entities', {
      identifier: 'fits',
      properties: { config: nested(MAX_JSON_DEPTH - 2) },
    });
    expect(fits.status).toBe(201);
    const tooDeep = await catalog.api<Problem>('POST', '/v1/blueprints/deep/entities', {
      identifier: 'too-deep',
      properties: { config: nested(MAX_JSON_DEPTH - 1) },
    });
    expect(tooDeep.status).toBe(422);
    expect(tooDeep.body.message).toBe(
      `body.properties.config.a.a.a.a...a.a (${MAX_JSON_DEPTH} levels): JSON is nested more than ${MAX_JSON_DEPTH} levels deep here (the limit is ${MAX_JSON_DEPTH})`,
    );
  });

  test('a body nested as deep as 1 MiB allows is a 422, and /healthz keeps answering', async () => {
    const levels = 150_000;
    const text = `{"identifier":"abyss","properties":{"config":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}}`;
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () =>
      catalog.api<Problem>('POST', '/v1/blueprints/deep/entities', text),
    );
    expect(result.status).toBe(422);
    expect(result.body.message).toMatch(
      /^body\.properties\.config\.a\.a\.a\.a\.\.\.a\.a \(64 levels\): JSON is nested/,
    );
    expect(slowestHealthzMs).toBeLessThan(1000);
  });

  test('deep malformed JSON is a 400 that says where, not a stack overflow', async () => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints', `{"a":${'['.repeat(300_000)}`);
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(
      `request body is not valid JSON: JSON nested more than ${MAX_JSON_DEPTH} levels deep (the limit) at line 1, column ${MAX_JSON_DEPTH + 5} (position ${MAX_JSON_DEPTH + 4})`,
    );
  });

  test('a deep search body is refused the same way, before the search parses it', async () => {
    const search = await catalog.api<Problem>('POST', '/v1/entities/search', {
      combinator: 'and',
      rules: [nested(100)],
    });
    expect(search.status).toBe(422);
    expect(search.body.message).toMatch(/^body\.rules\[0\]\.a\.a\.a\.a\.\.\.a\.a \(64 levels\): JSON is nested/);
  });

  test('in a bulk write only the entity that is too deep fails, with its index; its siblings are written', async () => {
    const response = await catalog.api<{
      entities: { identifier: string; index: number }[];
      errors: { identifier: string | null; index: number; statusCode: number; message: string }[];
    }>('POST', '/v1/blueprints/deep/entities/bulk', {
      entities: [
        { identifier: 'sibling-1', properties: { config: { ok: true } } },
        { identifier: 'sunk', properties: { config: nested(MAX_JSON_DEPTH) } },
        { identifier: 'sibling-2', properties: { config: { n: '1e400' } } },
      ],
    });
    expect(response.status).toBe(207);
    expect(response.body.entities.map((entity) => entity.index)).toEqual([0, 2]);
    expect(response.body.errors).toEqual([
      {
        identifier: 'sunk',
        index: 1,
        statusCode: 422,
        error: 'invalid_request',
        message: expect.stringMatching(
          /^entities\[1\]\.properties\.config\.a\.a\.a\.a\.\.\.a\.a \(64 levels\): JSON is nested more than 64 levels deep/,
        ),
      },
    ]);
    expect((await catalog.api('GET', '/v1/blueprints/deep/entities/sibling-2')).status).toBe(200);
    expect((await catalog.api('GET', '/v1/blueprints/deep/entities/sunk')).status).toBe(404);
  });

  test('in a bulk write an overflowing number fails only its entity', async () => {
    const text = `{"entities":[{"identifier":"n1","properties":{"config":{"n":1e400}}},{"identifier":"n2"}]}`;
    const response = await catalog.api<{ errors: { index: number; message: string }[] }>(
      'POST',
      '/v1/blueprints/deep/entities/bulk',
      text,
    );
    expect(response.status).toBe(207);
    expect(response.body.errors).toMatchObject([
      { index: 0, message: expect.stringMatching(/^entities\[0\]\.properties\.config\.n: is a number too large/) },
    ]);
    expect((await catalog.api('GET', '/v1/blueprints/deep/entities/n2')).status).toBe(200);
  });
});

describe('action templates', () => {
  test('a jq syntax error in a template is refused on write, naming its path and jq message', async () => {
    const response = await catalog.api<Problem>(
      'POST',
      '/v1/actions',
      action('bad_jq', {
        invocationMethod: {
          type: 'WEBHOOK',
          url: 'http://127.0.0.1:9/hook',
          body: { service: '{{ .inputs.service }}', version: 'v{{ .inputs.version | }}' },
        },
      }),
    );
    expect(response.status).toBe(422);
    expect(response.body.message).toMatch(
      /^invocationMethod\.body\.version: \{\{ \.inputs\.version \| \}\} is not valid jq: syntax error/,
    );
    expect((await catalog.api('GET', '/v1/actions/bad_jq')).status).toBe(404);
  });

  test('a template error is named in arrays and on PUT too, and the stored action is left as it was', async () => {
    const created = await catalog.api('POST', '/v1/actions', action('put_jq'));
    expect(created.status).toBe(201);
    const replaced = await catalog.api<Problem>(
      'PUT',
      '/v1/actions/put_jq',
      action('put_jq', {
        invocationMethod: {
          type: 'GITHUB',
          org: 'acme',
          repo: 'app',
          workflow: 'deploy.yml',
          workflowInputs: { tags: ['{{ .inputs.a }}', '{{ .inputs.b ) }}'] },
        },
      }),
    );
    expect(replaced.status).toBe(422);
    expect(replaced.body.message).toMatch(
      /^invocationMethod\.workflowInputs\.tags\[1\]: \{\{ \.inputs\.b \) \}\} is not valid jq: syntax error/,
    );
    const read = await catalog.api<{ action: { invocationMethod: { type: string } } }>('GET', '/v1/actions/put_jq');
    expect(read.body.action.invocationMethod.type).toBe('WEBHOOK');
  });

  test('a template that compiles but would never end is accepted on write without being run', async () => {
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () =>
      catalog.api(
        'POST',
        '/v1/actions',
        action('endless_jq', {
          invocationMethod: { type: 'WEBHOOK', url: 'http://127.0.0.1:9/hook', body: { x: '{{ last(repeat(1)) }}' } },
        }),
      ),
    );
    expect(result.status).toBe(201);
    expect(slowestHealthzMs).toBeLessThan(1000);
  });
});
