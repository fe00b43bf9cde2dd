import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../../catalog/errors.ts';
import { parseSearchQuery, searchQuerySchema } from '../../../catalog/search/index.ts';

/** The message parseSearchQuery throws for `body`, after checking it is a 422 invalid_request. */
function errorFor(body: unknown, path?: string): string {
  try {
    parseSearchQuery(body, path);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).code).toBe('invalid_request');
    return (error as ApiError).message;
  }
  throw new Error('expected parseSearchQuery to throw');
}

const oneRule = (single: unknown) => ({ combinator: 'and', rules: [single] });

describe('parseSearchQuery', () => {
  it('returns a valid query', () => {
    const query = {
      combinator: 'or',
      rules: [
        { property: '$createdAt', operator: 'between', value: { preset: 'lastWeek' } },
        { combinator: 'and', rules: [] },
        { relation: 'environment', operator: 'isEmpty' },
        { operator: 'relatedTo', blueprint: 'env', value: ['prod'], direction: 'downstream', required: true },
      ],
    };
    expect(parseSearchQuery(query)).toEqual(query);
    expect(searchQuerySchema.safeParse(query).success).toBe(true);
  });

  it('names the nested position of an unknown operator and lists the accepted ones', () => {
    const message = errorFor({
      combinator: 'and',
      rules: [
        { property: 'a', operator: '=', value: 1 },
        { combinator: 'or', rules: [{ property: 'b', operator: 'equals', value: 1 }] },
      ],
    });
    expect(message).toBe(
      'query.rules[1].rules[0].operator: unknown operator "equals"; expected one of =, !=, >, >=, <, <=, contains, ' +
        'doesNotContains, beginsWith, doesNotBeginsWith, endsWith, doesNotEndsWith, containsAny, in, notIn, isEmpty, ' +
        'isNotEmpty, between, notBetween',
    );
  });

  it('says which operators a relation rule accepts', () => {
    expect(errorFor(oneRule({ relation: 'env', operator: 'between', value: { preset: 'today' } }))).toBe(
      'query.rules[0].operator: operator "between" does not apply to relation rules; expected one of =, !=, contains, ' +
        'doesNotContains, beginsWith, doesNotBeginsWith, endsWith, doesNotEndsWith, containsAny, in, notIn, isEmpty, ' +
        'isNotEmpty',
    );
  });

  it('reports wrong and missing values', () => {
    expect(errorFor(oneRule({ property: 'a', operator: 'contains', value: 5 }))).toBe(
      'query.rules[0].value: expected string, received number',
    );
    expect(errorFor(oneRule({ property: 'a', operator: '=' }))).toBe('query.rules[0].value: is required');
    expect(errorFor(oneRule({ property: 'a', operator: '>', value: true }))).toBe(
      'query.rules[0].value: expected number or string, received boolean',
    );
    expect(errorFor(oneRule({ property: 'a', operator: 'in', value: 'x' }))).toBe(
      'query.rules[0].value: expected array, received string',
    );
    expect(errorFor(oneRule({ property: 'a' }))).toBe('query.rules[0].operator: is required');
  });

  it('checks dates and presets', () => {
    expect(errorFor(oneRule({ property: 'a', operator: 'between', value: { preset: 'lastDecade' } }))).toMatch(
      /^query\.rules\[0\]\.value\.preset: expected one of today, tomorrow, .*, received "lastDecade"$/,
    );
    expect(
      errorFor(
        oneRule({ property: 'a', operator: 'between', value: { from: 'last tuesday', to: '2026-01-01T00:00:00Z' } }),
      ),
    ).toBe('query.rules[0].value.from: expected an ISO 8601 date-time with a zone, e.g. 2026-01-01T00:00:00.000Z');
    expect(errorFor(oneRule({ property: 'a', operator: 'between', value: { from: '2026-01-01T00:00:00Z' } }))).toBe(
      'query.rules[0].value: expected {from, to} or {preset}',
    );
  });

  it('rejects unknown meta properties, unknown keys and non-rules', () => {
    expect(errorFor(oneRule({ property: '$owner', operator: 'isEmpty' }))).toBe(
      'query.rules[0].property: unknown meta property "$owner"; expected one of $identifier, $title, $icon, $team, ' +
        '$blueprint, $createdAt, $createdBy, $updatedAt, $updatedBy, $datasource',
    );
    expect(errorFor(oneRule({ property: 'a', operator: 'isEmpty', value: 1 }))).toBe(
      'query.rules[0]: unknown key "value"',
    );
    expect(errorFor(oneRule('a = 1'))).toBe(
      'query.rules[0]: expected a rule object or a nested {combinator, rules} query',
    );
  });

  it('checks relatedTo rules', () => {
    expect(errorFor(oneRule({ operator: 'relatedTo', value: 'x' }))).toBe('query.rules[0].blueprint: is required');
    expect(errorFor(oneRule({ operator: 'relatedTo', blueprint: 'b', value: 'x', direction: 'sideways' }))).toBe(
      'query.rules[0].direction: expected one of upstream, downstream, received "sideways"',
    );
  });

  it('checks the query itself', () => {
    expect(errorFor({ combinator: 'xor', rules: [] })).toBe(
      'query.combinator: expected one of and, or, received "xor"',
    );
    expect(errorFor({ combinator: 'and' })).toBe('query.rules: is required');
    expect(errorFor('everything')).toBe('query: expected object, received string');
    expect(errorFor({ combinator: 'and', rules: [{ combinator: 'or', rules: {} }] })).toBe(
      'query.rules[0].rules: expected array, received object',
    );
  });

  it('prefixes messages with the given path', () => {
    expect(errorFor({ combinator: 'and', rules: [1] }, 'body')).toBe(
      'body.rules[0]: expected a rule object or a nested {combinator, rules} query',
    );
  });

  it('refuses very deep nesting', () => {
    let query: unknown = { combinator: 'and', rules: [] };
    for (let level = 0; level < 30; level++) query = { combinator: 'and', rules: [query] };
    expect(errorFor(query)).toMatch(/^query(\.rules\[0\]){21}: queries nest deeper than 20 levels$/);
  });
});
