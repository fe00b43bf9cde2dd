import { describe, expect, test } from '@jest/globals';
import {
  BLUEPRINT_IDENTIFIER,
  ENTITY_IDENTIFIER,
  followsRule,
  identifierProblem,
  SCHEMA_KEY,
} from '../../src/port-model/index.ts';

const describeValue = (value: unknown) => JSON.stringify(value);

// Each rule is tested two ways (one whole-string pattern, then character by character for the message): the two
// must agree on every value, or a value would pass one and be refused by the other.
const CANDIDATES: unknown[] = [
  'user-service',
  'a=b',
  'org/repo',
  'back\\slash',
  'Ünïcödé-服务',
  'größe',
  '.',
  '..',
  '..a',
  '',
  'my service',
  'rocket🚀',
  'a.b',
  'x'.repeat(100),
  'x'.repeat(101),
  'x'.repeat(1000),
  'x'.repeat(1001),
  42,
  null,
];

describe.each([
  ['entity identifier', ENTITY_IDENTIFIER],
  ['blueprint identifier', BLUEPRINT_IDENTIFIER],
  ['schema key', SCHEMA_KEY],
])('%s rule', (_name, rule) => {
  test.each(CANDIDATES.map((value) => [value]))('%p: the pattern and the message agree', (value) => {
    expect(identifierProblem(value, rule, describeValue) === undefined).toBe(followsRule(value, rule));
  });
});

describe('the rules', () => {
  test('an entity identifier may hold "=" and 1000 characters; a blueprint identifier neither', () => {
    expect(followsRule('a=b', ENTITY_IDENTIFIER)).toBe(true);
    expect(followsRule('a=b', BLUEPRINT_IDENTIFIER)).toBe(false);
    expect(followsRule('x'.repeat(1000), ENTITY_IDENTIFIER)).toBe(true);
    expect(identifierProblem('x'.repeat(101), BLUEPRINT_IDENTIFIER, describeValue)).toBe(
      'must be at most 100 characters long (got 101)',
    );
  });

  test('a schema key is ASCII without dots, and "." alone is refused by its characters', () => {
    expect(identifierProblem('größe', SCHEMA_KEY, describeValue)).toBe(
      'may only contain letters A-Z a-z, digits and @_=- (found "ö" in "größe")',
    );
    expect(identifierProblem('.', SCHEMA_KEY, describeValue)).toContain('may only contain');
  });

  test('each rule says itself in one phrase', () => {
    expect(ENTITY_IDENTIFIER.summary).toBe(
      'letters, digits and @_.+:\\/=- only, 1 to 1000 characters, not "." or ".."',
    );
    expect(SCHEMA_KEY.summary).toBe('letters A-Z a-z, digits and @_=- only, 1 to 100 characters');
  });
});
