import { describe, expect, test } from '@jest/globals';
import { parseBlueprintDefinition, type BlueprintDefinitionOptions } from '../../../catalog/validation/index.ts';
import { apiErrorMessage } from './expect-api-error.ts';

const existing = new Set(['team', 'domain']);
const options: BlueprintDefinitionOptions = { blueprintExists: (id) => existing.has(id) };

/** A valid blueprint body with `overrides` on top. */
function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { identifier: 'service', title: 'Service', schema: { properties: {} }, ...overrides };
}

function withProperty(definition: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return body({ schema: { properties: { replicas: definition }, ...extra } });
}

function parse(value: unknown, opts: BlueprintDefinitionOptions = options) {
  return parseBlueprintDefinition(value, opts);
}

function refusal(value: unknown, opts: BlueprintDefinitionOptions = options): string {
  return apiErrorMessage(() => parse(value, opts), 'invalid_request');
}

describe('parseBlueprintDefinition: the blueprint itself', () => {
  test('fills Port defaults for what a minimal blueprint leaves out', () => {
    expect(parse(body())).toEqual({
      identifier: 'service',
      title: 'Service',
      schema: { properties: {}, required: [] },
      relations: {},
      mirrorProperties: {},
      calculationProperties: {},
      aggregationProperties: {},
    });
  });

  test('keeps icon and description, drops keys that are not part of a definition', () => {
    const parsed = parse(body({ icon: 'Service', description: 'Our services', createdAt: 'x', updatedBy: 'y' }));
    expect(parsed.icon).toBe('Service');
    expect(parsed.description).toBe('Our services');
    expect(parsed).not.toHaveProperty('createdAt');
    expect(parsed).not.toHaveProperty('updatedBy');
  });

  test('refuses a body that is not an object', () => {
    expect(refusal([])).toBe('body: must be a JSON object (got [])');
    expect(refusal(null)).toBe('body: must be a JSON object (got null)');
  });

  describe('identifier', () => {
    test('is required', () => {
      expect(refusal(body({ identifier: undefined }))).toBe('identifier: is required');
    });

    test('comes from the path when the body has none', () => {
      expect(parse(body({ identifier: undefined }), { ...options, pathIdentifier: 'service' }).identifier).toBe(
        'service',
      );
    });

    test('may not differ from the path', () => {
      expect(refusal(body({ identifier: 'other' }), { ...options, pathIdentifier: 'service' })).toMatch(
        /^identifier: "other" differs from the blueprint in the path \("service"\)/,
      );
    });

    test.each(['svc_1', 'my-service', 'a@b', 'org/service', 'v1.2', 'a+b:c', 'Dienst-ß', 'x'.repeat(100)])(
      'accepts %p',
      (identifier) => {
        expect(parse(body({ identifier })).identifier).toBe(identifier);
      },
    );

    test.each([
      ['a space', 'my service', 'identifier: may only contain letters, digits and @_.+:\\/- (found " "'],
      ['"=" (not in the blueprint identifier pattern)', 'a=b', 'identifier: may only contain'],
      ['"."', '.', 'identifier: must not be "." or ".."'],
      ['101 characters', 'x'.repeat(101), 'identifier: must be at most 100 characters long (got 101)'],
      ['a number', 7, 'identifier: must be a string (got 7)'],
      ['empty', '', 'identifier: must not be empty'],
    ])('refuses %s', (_label, identifier, expected) => {
      expect(refusal(body({ identifier }))).toContain(expected);
    });
  });

  describe('title and description', () => {
    test('title is required and non-empty', () => {
      expect(refusal(body({ title: undefined }))).toBe('title: is required');
      expect(refusal(body({ title: '' }))).toBe('title: must not be empty');
      expect(refusal(body({ title: 5 }))).toBe('title: must be a string (got 5)');
    });

    test('title is at most 100 characters, description at most 200', () => {
      expect(parse(body({ title: 't'.repeat(100) })).title).toHaveLength(100);
      expect(refusal(body({ title: 't'.repeat(101) }))).toBe('title: must be at most 100 characters long (got 101)');
      expect(refusal(body({ description: 'd'.repeat(201) }))).toBe(
        'description: must be at most 200 characters long (got 201)',
      );
    });
  });

  describe('schema', () => {
    test('is required, with properties', () => {
      expect(refusal(body({ schema: undefined }))).toMatch(/^schema: is required/);
      expect(refusal(body({ schema: {} }))).toBe('schema.properties: is required');
      expect(refusal(body({ schema: 'x' }))).toBe('schema: must be an object (got "x")');
    });

    test('has no keys besides properties and required', () => {
      expect(refusal(body({ schema: { properties: {}, additionalProperties: false } }))).toMatch(
        /^schema\.additionalProperties: is not a schema key/,
      );
    });

    test.each(['name', 'a@b', 'key=value', 'snake_case', 'kebab-case', 'x'.repeat(100)])(
      'accepts the property identifier %p',
      (key) => {
        expect(
          Object.keys(parse(body({ schema: { properties: { [key]: { type: 'string' } } } })).schema.properties),
        ).toEqual([key]);
      },
    );

    test.each([
      [
        'a space',
        'my prop',
        'schema.properties["my prop"]: identifier may only contain letters A-Z a-z, digits and @_=-',
      ],
      ['a dot', 'a.b', 'schema.properties["a.b"]: identifier may only contain'],
      ['a non-ASCII letter', 'größe', 'schema.properties["größe"]: identifier may only contain'],
      ['101 characters', 'x'.repeat(101), 'identifier must be at most 100 characters long (got 101)'],
    ])('refuses a property identifier with %s', (_label, key, expected) => {
      expect(refusal(body({ schema: { properties: { [key]: { type: 'string' } } } }))).toContain(expected);
    });

    test('required lists only existing properties, without repeats', () => {
      const properties = { name: { type: 'string' } };
      expect(parse(body({ schema: { properties, required: ['name', 'name'] } })).schema.required).toEqual(['name']);
      expect(refusal(body({ schema: { properties, required: ['name', 'owner'] } }))).toBe(
        'schema.required[1]: "owner" is not a property of this blueprint',
      );
      expect(refusal(body({ schema: { properties, required: 'name' } }))).toMatch(
        /^schema\.required: must be an array/,
      );
    });
  });
});

describe('parseBlueprintDefinition: property definitions', () => {
  test.each(['string', 'number', 'boolean', 'object', 'array'])('accepts the type %p', (type) => {
    expect(parse(withProperty({ type })).schema.properties.replicas!.type).toBe(type);
  });

  test('refuses a missing or unknown type', () => {
    expect(refusal(withProperty({ title: 'Replicas' }))).toBe(
      'schema.properties.replicas.type: is required (one of string, number, boolean, object, array)',
    );
    expect(refusal(withProperty({ type: 'integer' }))).toBe(
      'schema.properties.replicas.type: must be one of "string", "number", "boolean", "object", "array" (got "integer")',
    );
    expect(refusal(withProperty('string'))).toBe('schema.properties.replicas: must be an object (got "string")');
  });

  test.each([
    'date-time',
    'url',
    'email',
    'idn-email',
    'ipv4',
    'ipv6',
    'markdown',
    'yaml',
    'user',
    'team',
    'timer',
    'proto',
    'blueprints',
  ])('accepts the string format %p', (format) => {
    expect(parse(withProperty({ type: 'string', format })).schema.properties.replicas!.format).toBe(format);
  });

  test('accepts labeled-url on objects only', () => {
    expect(parse(withProperty({ type: 'object', format: 'labeled-url' })).schema.properties.replicas!.format).toBe(
      'labeled-url',
    );
    expect(refusal(withProperty({ type: 'string', format: 'labeled-url' }))).toMatch(
      /^schema\.properties\.replicas\.format: "labeled-url" is not a format of type string/,
    );
  });

  test('refuses a format of another type, or unknown', () => {
    expect(refusal(withProperty({ type: 'number', format: 'url' }))).toBe(
      'schema.properties.replicas.format: "url" is not a format of type number (formats of number: none)',
    );
    expect(refusal(withProperty({ type: 'string', format: 'uuid' }))).toMatch(
      /^schema\.properties\.replicas\.format: "uuid" is not a format of type string \(formats of string: date-time, url,/,
    );
  });

  test('keeps UI keys so the blueprint round-trips', () => {
    const definition = {
      type: 'string',
      title: 'Health',
      description: 'How it is',
      icon: 'Heart',
      enum: ['Healthy', 'Sick'],
      enumColors: { Healthy: 'green', Sick: 'red' },
      spec: 'embedded-url',
      somethingNew: { nested: true },
    };
    const parsed = parse(withProperty(definition));
    expect(parsed.schema.properties.replicas).toEqual(definition);
    expect(parse(parsed)).toEqual(parsed);
  });

  test('does not share objects with the body', () => {
    const definition = { type: 'string', enum: ['a'], enumColors: { a: 'red' } };
    const parsed = parse(withProperty(definition));
    definition.enumColors.a = 'blue';
    definition.enum.push('b');
    expect(parsed.schema.properties.replicas).toEqual({ type: 'string', enum: ['a'], enumColors: { a: 'red' } });
  });

  test('refuses an unknown spec', () => {
    expect(refusal(withProperty({ type: 'string', spec: 'graphql' }))).toMatch(
      /^schema\.properties\.replicas\.spec: must be one of "open-api", "embedded-url", "async-api"/,
    );
  });

  describe('enum', () => {
    test('values must match the type and format', () => {
      expect(parse(withProperty({ type: 'number', enum: [1, 2, 3] })).schema.properties.replicas!.enum).toEqual([
        1, 2, 3,
      ]);
      expect(refusal(withProperty({ type: 'number', enum: [1, 'two'] }))).toBe(
        'schema.properties.replicas.enum[1]: must be a number (got "two")',
      );
      expect(refusal(withProperty({ type: 'string', format: 'url', enum: ['https://a.example', 'b'] }))).toMatch(
        /^schema\.properties\.replicas\.enum\[1\]: must be an absolute URL/,
      );
    });

    test('must be a non-empty array', () => {
      expect(refusal(withProperty({ type: 'string', enum: [] }))).toBe(
        'schema.properties.replicas.enum: must be a non-empty array (got [])',
      );
      expect(refusal(withProperty({ type: 'string', enum: 'a' }))).toBe(
        'schema.properties.replicas.enum: must be a non-empty array (got "a")',
      );
    });
  });

  describe('default', () => {
    test('must be one of the enum values', () => {
      expect(refusal(withProperty({ type: 'number', enum: [1, 2, 3], default: 20 }))).toBe(
        'schema.properties.replicas.default: must be one of 1, 2, 3 (got 20)',
      );
      expect(
        parse(withProperty({ type: 'number', enum: [1, 2, 3], default: 2 })).schema.properties.replicas!.default,
      ).toBe(2);
    });

    test.each([
      [{ type: 'string', default: 5 }, 'must be a string (got 5)'],
      [{ type: 'number', default: '5' }, 'must be a number (got "5")'],
      [{ type: 'boolean', default: 'false' }, 'must be a boolean (got "false")'],
      [{ type: 'object', default: [] }, 'must be an object (got [])'],
      [{ type: 'array', default: {} }, 'must be an array (got {})'],
      [
        { type: 'string', format: 'date-time', default: 'yesterday' },
        'must be an ISO 8601 date-time with a time zone, such as 2024-01-31T12:00:00Z (got "yesterday")',
      ],
      [
        { type: 'string', format: 'timer', default: 'soon' },
        'must be an ISO 8601 date-time with a time zone, such as 2024-01-31T12:00:00Z (got "soon")',
      ],
      [{ type: 'string', format: 'email', default: 'nobody' }, 'must be an email address (got "nobody")'],
      [{ type: 'string', pattern: '^v\\d+$', default: 'x1' }, 'must match the pattern ^v\\d+$ (got "x1")'],
      [{ type: 'number', minimum: 1, default: 0 }, 'must be >= 1 (got 0)'],
      [{ type: 'string', maxLength: 2, default: 'abc' }, 'must be at most 2 characters long (got "abc")'],
    ])('must match its definition: %p', (definition, expected) => {
      expect(refusal(withProperty(definition))).toBe(`schema.properties.replicas.default: ${expected}`);
    });

    test('names the place inside an array default', () => {
      expect(refusal(withProperty({ type: 'array', items: { type: 'string' }, default: ['a', 3] }))).toBe(
        'schema.properties.replicas.default[1]: must be a string (got 3)',
      );
    });

    test.each([
      { type: 'string', format: 'timer', default: '2022-04-18T11:44:15.345Z' },
      { type: 'array', default: [1, 2, 3] },
      { type: 'object', default: { myKey: 'myValue' } },
      { type: 'boolean', default: false },
      { type: 'string', format: 'url', default: 'http://localhost:8080/health' },
    ])('accepts a matching default: %p', (definition) => {
      expect(parse(withProperty(definition)).schema.properties.replicas!.default).toEqual(definition.default);
    });

    test('null means no default', () => {
      expect(parse(withProperty({ type: 'string', default: null })).schema.properties.replicas).not.toHaveProperty(
        'default',
      );
    });
  });

  describe('array items', () => {
    test('may carry type, format and enum', () => {
      const definition = { type: 'array', items: { type: 'string', format: 'user', enum: ['a@x.io'], enumColors: {} } };
      expect(parse(withProperty(definition)).schema.properties.replicas).toEqual(definition);
    });

    test('are checked like properties', () => {
      expect(refusal(withProperty({ type: 'array', items: { type: 'string', enum: ['a', 1] } }))).toBe(
        'schema.properties.replicas.items.enum[1]: must be a string (got 1)',
      );
      expect(refusal(withProperty({ type: 'array', items: { type: 'number', format: 'email' } }))).toMatch(
        /^schema\.properties\.replicas\.items\.format: "email" is not a format of type number/,
      );
      expect(refusal(withProperty({ type: 'array', items: { type: 'map' } }))).toMatch(
        /^schema\.properties\.replicas\.items\.type: must be one of/,
      );
      expect(refusal(withProperty({ type: 'array', items: { format: 'url' } }))).toBe(
        'schema.properties.replicas.items.format: a format needs a type',
      );
    });

    test('belong to array properties only', () => {
      expect(refusal(withProperty({ type: 'string', items: { type: 'string' } }))).toBe(
        'schema.properties.replicas.items: only array properties have items (type is string)',
      );
    });
  });

  describe('constraint keywords', () => {
    test.each([
      [{ type: 'string', pattern: '([a-z' }, 'schema.properties.replicas.pattern: is not a valid regular expression'],
      [{ type: 'string', pattern: 5 }, 'schema.properties.replicas.pattern: must be a string (got 5)'],
      [{ type: 'number', minimum: '1' }, 'schema.properties.replicas.minimum: must be a number (got "1")'],
      [{ type: 'string', minLength: -1 }, 'schema.properties.replicas.minLength: must be a whole number >= 0 (got -1)'],
      [{ type: 'array', maxItems: 1.5 }, 'schema.properties.replicas.maxItems: must be a whole number >= 0 (got 1.5)'],
      [{ type: 'array', uniqueItems: 'yes' }, 'schema.properties.replicas.uniqueItems: must be a boolean (got "yes")'],
    ])('refuses a malformed keyword: %p', (definition, expected) => {
      expect(refusal(withProperty(definition))).toContain(expected);
    });
  });
});

describe('parseBlueprintDefinition: relations', () => {
  function withRelation(relation: unknown, identifier = 'service'): Record<string, unknown> {
    return body({ identifier, relations: { team: relation } });
  }

  test('defaults required and many to false', () => {
    expect(parse(withRelation({ target: 'team', title: 'Team' })).relations.team).toEqual({
      title: 'Team',
      target: 'team',
      required: false,
      many: false,
    });
  });

  test('the target blueprint must exist', () => {
    expect(refusal(withRelation({ target: 'nope', required: false, many: false }))).toBe(
      'relations.team.target: blueprint "nope" does not exist',
    );
    expect(refusal(withRelation({ required: false, many: false }))).toBe(
      'relations.team.target: must be a blueprint identifier (got undefined)',
    );
  });

  test('a relation to the blueprint itself is allowed', () => {
    const parsed = parse(body({ identifier: 'service', relations: { dependsOn: { target: 'service', many: true } } }), {
      blueprintExists: () => false,
    });
    expect(parsed.relations.dependsOn).toEqual({ target: 'service', required: false, many: true });
  });

  test('required and many are booleans', () => {
    expect(refusal(withRelation({ target: 'team', required: 'yes' }))).toBe(
      'relations.team.required: must be true or false (got "yes")',
    );
    expect(refusal(withRelation({ target: 'team', many: 1 }))).toBe(
      'relations.team.many: must be true or false (got 1)',
    );
  });

  test('cannot be both many and required', () => {
    expect(refusal(withRelation({ target: 'team', required: true, many: true }))).toBe(
      'relations.team: a relation cannot be both many and required',
    );
  });

  test('refuses unknown keys and bad identifiers', () => {
    expect(refusal(withRelation({ target: 'team', cardinality: 'one' }))).toMatch(
      /^relations\.team\.cardinality: is not a relation key/,
    );
    expect(refusal(body({ relations: { 'my team': { target: 'team' } } }))).toMatch(
      /^relations\["my team"\]: identifier may only contain/,
    );
    expect(refusal(withRelation('team'))).toBe('relations.team: must be an object (got "team")');
  });
});

describe('parseBlueprintDefinition: changelogDestination, ownership and other property kinds', () => {
  test('a webhook needs an http(s) URL', () => {
    const webhook = { type: 'WEBHOOK', url: 'https://hooks.example.com/port' };
    expect(parse(body({ changelogDestination: webhook })).changelogDestination).toEqual(webhook);
    expect(parse(body({ changelogDestination: { ...webhook, agent: true } })).changelogDestination).toEqual({
      ...webhook,
      agent: true,
    });
    for (const url of ['YOUR_WEBHOOK_URL', 'ftp://files.example.com', undefined]) {
      expect(refusal(body({ changelogDestination: { type: 'WEBHOOK', url } }))).toMatch(
        /^changelogDestination\.url: must be an http\(s\) URL/,
      );
    }
  });

  test('kafka takes nothing else; other types are refused', () => {
    expect(parse(body({ changelogDestination: { type: 'KAFKA' } })).changelogDestination).toEqual({ type: 'KAFKA' });
    expect(refusal(body({ changelogDestination: { type: 'KAFKA', url: 'https://x.io' } }))).toBe(
      'changelogDestination.url: is not allowed here (allowed: type)',
    );
    expect(refusal(body({ changelogDestination: { type: 'SQS' } }))).toBe(
      'changelogDestination.type: must be "WEBHOOK" or "KAFKA" (got "SQS")',
    );
  });

  test('null clears the changelog destination', () => {
    expect(parse(body({ changelogDestination: null }))).not.toHaveProperty('changelogDestination');
  });

  test('ownership is Direct or Inherited with a path', () => {
    expect(parse(body({ ownership: { type: 'Direct' } })).ownership).toEqual({ type: 'Direct' });
    expect(parse(body({ ownership: { type: 'Inherited', path: 'team' } })).ownership).toEqual({
      type: 'Inherited',
      path: 'team',
    });
    expect(refusal(body({ ownership: { type: 'Inherited' } }))).toMatch(/^ownership\.path: must be/);
    expect(refusal(body({ ownership: { type: 'Shared' } }))).toBe(
      'ownership.type: must be "Direct" or "Inherited" (got "Shared")',
    );
  });

  test('mirror, calculation and aggregation properties are kept; their identifiers are checked', () => {
    const mirrorProperties = { teamName: { path: 'team.$title' } };
    const calculationProperties = {
      link: { title: 'Link', calculation: '"https://x/" + .identifier', type: 'string' },
    };
    const parsed = parse(body({ mirrorProperties, calculationProperties }));
    expect(parsed.mirrorProperties).toEqual(mirrorProperties);
    expect(parsed.calculationProperties).toEqual(calculationProperties);
    expect(refusal(body({ aggregationProperties: { 'a b': {} } }))).toMatch(
      /^aggregationProperties\["a b"\]: identifier may only contain/,
    );
    expect(refusal(body({ mirrorProperties: { teamName: 'team.$title' } }))).toBe(
      'mirrorProperties.teamName: must be an object (got "team.$title")',
    );
  });
});
