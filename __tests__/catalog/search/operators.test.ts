import { beforeAll, describe, expect, it } from '@jest/globals';
import type { DatabaseSync } from 'node:sqlite';
import { compileSearchQuery, parseSearchQuery } from '../../../catalog/search/index.ts';
import { insertEntities, openCatalog, rule, search } from './fixtures.ts';

const ALL = ['alpha', 'beta', 'delta', 'gamma'];
const NOW = new Date('2026-01-15T12:00:00.000Z');

let db: DatabaseSync;

beforeAll(() => {
  db = openCatalog();
  insertEntities(db, [
    {
      identifier: 'alpha',
      title: 'Alpha',
      team: ['platform'],
      createdAt: '2026-01-10T12:00:00.000Z',
      properties: {
        name: 'Alpha API',
        language: 'Python',
        stars: 10,
        score: 2.5,
        archived: false,
        enabled: true,
        tags: ['backend', 'api'],
        deployedAt: '2026-03-01T10:00:00Z',
        note: '',
        config: {},
        list: [],
      },
    },
    {
      identifier: 'beta',
      title: 'Beta',
      team: ['web', 'platform'],
      createdAt: '2026-01-14T08:00:00.000Z',
      properties: {
        name: 'beta service',
        language: 'python',
        stars: 3,
        archived: true,
        enabled: 1,
        tags: ['frontend', 'say "hi"'],
        motto: 'Ça va "bien"',
        deployedAt: '2026-03-01T10:00:00.500Z',
        note: null,
        config: { k: 1 },
        list: [1, 2],
      },
    },
    {
      // Same property names as alpha and beta but other JSON types: strings where they hold numbers and booleans.
      identifier: 'gamma',
      title: null,
      createdAt: '2026-01-15T00:00:00.000Z',
      properties: {
        name: 'Gamma',
        language: 'Go',
        stars: '10',
        archived: 'true',
        enabled: 'true',
        tags: 'backend api',
        deployedAt: '2026-03-01T12:00:00+02:00',
      },
    },
    { identifier: 'delta', blueprint: 'library', title: 'Delta', createdAt: '2025-12-01T00:00:00.000Z' },
  ]);
});

const find = (single: Record<string, unknown>, now = NOW) => search(db, rule(single), now);

describe('= and !=', () => {
  it('compares strings exactly, case included', () => {
    expect(find({ property: 'language', operator: '=', value: 'Python' })).toEqual(['alpha']);
    expect(find({ property: 'language', operator: '=', value: 'python' })).toEqual(['beta']);
  });

  it('compares numbers with numbers and strings with strings', () => {
    expect(find({ property: 'stars', operator: '=', value: 10 })).toEqual(['alpha']);
    expect(find({ property: 'stars', operator: '=', value: '10' })).toEqual(['gamma']);
  });

  it('matches JSON booleans, not the strings "true"/"false" nor 1/0', () => {
    expect(find({ property: 'archived', operator: '=', value: true })).toEqual(['beta']);
    expect(find({ property: 'archived', operator: '=', value: false })).toEqual(['alpha']);
    expect(find({ property: 'enabled', operator: '=', value: true })).toEqual(['alpha']);
    expect(find({ property: 'enabled', operator: '=', value: 1 })).toEqual(['beta']);
    expect(find({ property: 'enabled', operator: '=', value: 'true' })).toEqual(['gamma']);
    expect(find({ property: 'enabled', operator: 'in', value: [1] })).toEqual(['beta']);
    expect(find({ property: 'enabled', operator: '>', value: 0 })).toEqual(['beta']);
  });

  it('= null matches null and missing values', () => {
    expect(find({ property: 'note', operator: '=', value: null })).toEqual(['beta', 'delta', 'gamma']);
  });

  it('compares arrays whole, order included', () => {
    expect(find({ property: 'tags', operator: '=', value: ['backend', 'api'] })).toEqual(['alpha']);
    expect(find({ property: 'tags', operator: '=', value: ['api', 'backend'] })).toEqual([]);
    // A single value never equals an array: contains, containsAny and in test membership.
    expect(find({ property: '$team', operator: '=', value: 'platform' })).toEqual([]);
  });

  it('compares date-times as instants', () => {
    expect(find({ property: 'deployedAt', operator: '=', value: '2026-03-01T10:00:00.000Z' })).toEqual([
      'alpha',
      'gamma',
    ]);
  });

  it('= with a date window is between', () => {
    expect(find({ property: '$createdAt', operator: '=', value: { preset: 'yesterday' } })).toEqual(['beta']);
  });

  it('reads meta properties from their columns', () => {
    expect(find({ property: '$identifier', operator: '=', value: 'beta' })).toEqual(['beta']);
    expect(find({ property: '$blueprint', operator: '=', value: 'library' })).toEqual(['delta']);
    expect(find({ property: '$title', operator: '=', value: 'Alpha' })).toEqual(['alpha']);
  });

  it('!= matches everything = does not, missing values included', () => {
    expect(find({ property: 'language', operator: '!=', value: 'Python' })).toEqual(['beta', 'delta', 'gamma']);
    expect(find({ property: 'archived', operator: '!=', value: false })).toEqual(['beta', 'delta', 'gamma']);
    expect(find({ property: '$title', operator: '!=', value: 'Alpha' })).toEqual(['beta', 'delta', 'gamma']);
  });
});

describe('>, >=, <, <=', () => {
  it('compares numbers only with numbers', () => {
    expect(find({ property: 'stars', operator: '>', value: 3 })).toEqual(['alpha']);
    expect(find({ property: 'stars', operator: '>=', value: 3 })).toEqual(['alpha', 'beta']);
    expect(find({ property: 'stars', operator: '<', value: 10 })).toEqual(['beta']);
    expect(find({ property: 'stars', operator: '<=', value: 10 })).toEqual(['alpha', 'beta']);
    expect(find({ property: 'score', operator: '>', value: 2 })).toEqual(['alpha']);
  });

  it('compares strings as text, case-sensitively', () => {
    expect(find({ property: 'name', operator: '>', value: 'B' })).toEqual(['beta', 'gamma']);
    expect(find({ property: 'name', operator: '<', value: 'B' })).toEqual(['alpha']);
  });

  it('compares date-times as instants, whatever their offset or precision', () => {
    expect(find({ property: 'deployedAt', operator: '>', value: '2026-03-01T10:00:00.000Z' })).toEqual(['beta']);
    expect(find({ property: 'deployedAt', operator: '>=', value: '2026-03-01T12:00:00+02:00' })).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    expect(find({ property: 'deployedAt', operator: '<', value: '2026-03-01T10:00:00.400Z' })).toEqual([
      'alpha',
      'gamma',
    ]);
    expect(find({ property: '$createdAt', operator: '<', value: '2026-01-01T00:00:00Z' })).toEqual(['delta']);
    expect(find({ property: '$createdAt', operator: '>=', value: '2026-01-14T08:00:00.000Z' })).toEqual([
      'beta',
      'gamma',
    ]);
  });
});

describe('contains and doesNotContains', () => {
  it('is a case-sensitive substring test on strings', () => {
    expect(find({ property: 'name', operator: 'contains', value: 'API' })).toEqual(['alpha']);
    expect(find({ property: 'name', operator: 'contains', value: 'alpha' })).toEqual([]);
    expect(find({ property: '$title', operator: 'contains', value: 'lta' })).toEqual(['delta']);
  });

  it('is element membership on arrays', () => {
    expect(find({ property: 'tags', operator: 'contains', value: 'backend' })).toEqual(['alpha', 'gamma']);
    // "back" is only a substring of gamma's string, not an element of alpha's array.
    expect(find({ property: 'tags', operator: 'contains', value: 'back' })).toEqual(['gamma']);
    expect(find({ property: '$team', operator: 'contains', value: 'platform' })).toEqual(['alpha', 'beta']);
    expect(find({ property: '$team', operator: 'contains', value: 'plat' })).toEqual([]);
  });

  it('handles values with quotes and non-ASCII characters', () => {
    expect(find({ property: 'tags', operator: 'contains', value: 'say "hi"' })).toEqual(['beta']);
    expect(find({ property: 'tags', operator: 'contains', value: 'say' })).toEqual([]);
    expect(find({ property: 'motto', operator: 'contains', value: 'Ça va "b' })).toEqual(['beta']);
  });

  it('doesNotContains is the complement', () => {
    expect(find({ property: 'tags', operator: 'doesNotContains', value: 'backend' })).toEqual(['beta', 'delta']);
  });
});

describe('containsAny', () => {
  it('matches arrays holding any value and strings containing any value', () => {
    expect(find({ property: 'tags', operator: 'containsAny', value: ['api', 'frontend'] })).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    expect(find({ property: '$team', operator: 'containsAny', value: ['web', 'nope'] })).toEqual(['beta']);
    expect(find({ property: 'name', operator: 'containsAny', value: [] })).toEqual([]);
  });
});

describe('beginsWith and endsWith', () => {
  it('test prefixes and suffixes of strings, case-sensitively', () => {
    expect(find({ property: 'name', operator: 'beginsWith', value: 'Gam' })).toEqual(['gamma']);
    expect(find({ property: 'name', operator: 'beginsWith', value: 'gam' })).toEqual([]);
    expect(find({ property: 'name', operator: 'endsWith', value: 'service' })).toEqual(['beta']);
    expect(find({ property: 'motto', operator: 'endsWith', value: '"bien"' })).toEqual(['beta']);
    expect(find({ property: '$identifier', operator: 'beginsWith', value: 'al' })).toEqual(['alpha']);
    expect(find({ property: '$identifier', operator: 'endsWith', value: 'ta' })).toEqual(['beta', 'delta']);
    expect(find({ property: 'name', operator: 'beginsWith', value: '' })).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('the negated forms are complements', () => {
    expect(find({ property: 'name', operator: 'doesNotBeginsWith', value: 'Gam' })).toEqual(['alpha', 'beta', 'delta']);
    expect(find({ property: 'name', operator: 'doesNotEndsWith', value: 'service' })).toEqual([
      'alpha',
      'delta',
      'gamma',
    ]);
  });
});

describe('in and notIn', () => {
  it('matches scalars equal to a listed value and arrays holding one', () => {
    expect(find({ property: 'language', operator: 'in', value: ['Python', 'Go'] })).toEqual(['alpha', 'gamma']);
    expect(find({ property: 'stars', operator: 'in', value: [3, 10] })).toEqual(['alpha', 'beta']);
    expect(find({ property: '$team', operator: 'in', value: ['web'] })).toEqual(['beta']);
    expect(find({ property: 'tags', operator: 'in', value: ['api'] })).toEqual(['alpha']);
    expect(find({ property: '$identifier', operator: 'in', value: ['alpha', 'delta'] })).toEqual(['alpha', 'delta']);
    expect(find({ property: 'language', operator: 'in', value: [] })).toEqual([]);
  });

  it('notIn is the complement', () => {
    expect(find({ property: 'language', operator: 'notIn', value: ['Python', 'Go'] })).toEqual(['beta', 'delta']);
    expect(find({ property: 'language', operator: 'notIn', value: [] })).toEqual(ALL);
  });
});

describe('isEmpty and isNotEmpty', () => {
  it('treat missing, null, "", [] and {} as empty', () => {
    expect(find({ property: 'note', operator: 'isEmpty' })).toEqual(ALL);
    expect(find({ property: 'config', operator: 'isEmpty' })).toEqual(['alpha', 'delta', 'gamma']);
    expect(find({ property: 'list', operator: 'isEmpty' })).toEqual(['alpha', 'delta', 'gamma']);
    expect(find({ property: 'config', operator: 'isNotEmpty' })).toEqual(['beta']);
  });

  it('do not treat false or 0 as empty', () => {
    expect(find({ property: 'archived', operator: 'isEmpty' })).toEqual(['delta']);
    expect(find({ property: 'stars', operator: 'isNotEmpty' })).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('work on meta properties', () => {
    expect(find({ property: '$title', operator: 'isEmpty' })).toEqual(['gamma']);
    expect(find({ property: '$team', operator: 'isEmpty' })).toEqual(['delta', 'gamma']);
    expect(find({ property: '$team', operator: 'isNotEmpty' })).toEqual(['alpha', 'beta']);
  });
});

describe('between and notBetween', () => {
  it('take an inclusive {from, to} range', () => {
    const range = { from: '2026-01-10T00:00:00Z', to: '2026-01-14T23:59:59Z' };
    expect(find({ property: '$createdAt', operator: 'between', value: range })).toEqual(['alpha', 'beta']);
    expect(find({ property: '$createdAt', operator: 'notBetween', value: range })).toEqual(['delta', 'gamma']);
    expect(find({ property: '$updatedAt', operator: 'between', value: range })).toEqual(['alpha', 'beta']);
    const edge = { from: '2026-03-01T09:00:00Z', to: '2026-03-01T10:00:00Z' };
    expect(find({ property: 'deployedAt', operator: 'between', value: edge })).toEqual(['alpha', 'gamma']);
  });

  it('resolve presets against options.now (UTC days; rolling windows end or start at now)', () => {
    const preset = (name: string) => find({ property: '$createdAt', operator: 'between', value: { preset: name } });
    expect(preset('today')).toEqual(['gamma']);
    expect(preset('yesterday')).toEqual(['beta']);
    expect(preset('tomorrow')).toEqual([]);
    expect(preset('lastDay')).toEqual(['gamma']);
    expect(preset('lastWeek')).toEqual(['alpha', 'beta', 'gamma']);
    expect(preset('lastMonth')).toEqual(['alpha', 'beta', 'gamma']);
    expect(preset('last3Months')).toEqual(ALL);
    expect(preset('nextWeek')).toEqual([]);
    expect(find({ property: '$createdAt', operator: 'notBetween', value: { preset: 'lastWeek' } })).toEqual(['delta']);
  });

  it('move with now', () => {
    const later = new Date('2026-01-20T12:00:00.000Z');
    expect(find({ property: '$createdAt', operator: 'between', value: { preset: 'lastWeek' } }, later)).toEqual([
      'beta',
      'gamma',
    ]);
    expect(
      find(
        { property: '$createdAt', operator: 'between', value: { preset: 'next2Weeks' } },
        new Date('2026-01-01T00:00:00Z'),
      ),
    ).toEqual(['alpha', 'beta', 'gamma']);
  });
});

describe('combinators', () => {
  it('nest and/or', () => {
    expect(
      search(db, {
        combinator: 'or',
        rules: [
          { property: 'language', operator: '=', value: 'Python' },
          {
            combinator: 'and',
            rules: [
              { property: 'stars', operator: '<', value: 5 },
              { property: 'archived', operator: '=', value: true },
            ],
          },
        ],
      }),
    ).toEqual(['alpha', 'beta']);
    expect(
      search(db, {
        combinator: 'and',
        rules: [
          { property: '$blueprint', operator: '=', value: 'service' },
          {
            combinator: 'or',
            rules: [
              { property: 'name', operator: 'contains', value: 'Gam' },
              { property: '$team', operator: 'contains', value: 'web' },
            ],
          },
        ],
      }),
    ).toEqual(['beta', 'gamma']);
  });

  it('match everything with empty rules, whatever the combinator', () => {
    expect(search(db, { combinator: 'and', rules: [] })).toEqual(ALL);
    expect(search(db, { combinator: 'or', rules: [] })).toEqual(ALL);
    expect(
      search(db, {
        combinator: 'and',
        rules: [
          { combinator: 'or', rules: [] },
          { property: 'language', operator: '=', value: 'Go' },
        ],
      }),
    ).toEqual(['gamma']);
  });

  it('handle the most rules a query may have (1,000) without hitting SQLite expression-depth limits', () => {
    const rules = Array.from({ length: 1000 }, (_, index) => ({
      property: '$identifier',
      operator: '=',
      value: index === 999 ? 'alpha' : `nobody-${index}`,
    }));
    expect(search(db, { combinator: 'or', rules })).toEqual(['alpha']);
  });
});

describe('untrusted keys and values', () => {
  let quirky: DatabaseSync;

  beforeAll(() => {
    quirky = openCatalog();
    insertEntities(quirky, [
      {
        identifier: 'quirky',
        properties: { 'a\'b"c': 'quoted', 'x) OR 1=1 --': 'inject', 'a.b': 'dotted', 'back\\slash': 'yes' },
      },
      { identifier: 'plain', properties: { a: { b: 'dotted' } } },
    ]);
  });

  it('address keys with quotes, dots and SQL exactly, as data', () => {
    const one = (single: Record<string, unknown>) => search(quirky, rule(single));
    expect(one({ property: 'a\'b"c', operator: '=', value: 'quoted' })).toEqual(['quirky']);
    expect(one({ property: 'x) OR 1=1 --', operator: '=', value: 'inject' })).toEqual(['quirky']);
    expect(one({ property: 'x) OR 1=1 --', operator: 'isEmpty' })).toEqual(['plain']);
    expect(one({ property: 'a.b', operator: '=', value: 'dotted' })).toEqual(['quirky']);
    expect(one({ property: 'back\\slash', operator: '=', value: 'yes' })).toEqual(['quirky']);
    expect(one({ property: '$identifier', operator: '=', value: "' OR '1'='1" })).toEqual([]);
  });

  it('puts values in the SQL text never, and keys only as escaped string literals (their index matches them)', () => {
    const { where, params } = compileSearchQuery(
      parseSearchQuery({
        combinator: 'or',
        rules: [
          { property: "x') OR 1=1 --", operator: 'contains', value: "'; DROP TABLE entities; --" },
          { relation: "r') OR 1=1 --", operator: '=', value: 'v' },
          { operator: 'relatedTo', blueprint: "b' OR 1=1", value: ["i' --"] },
        ],
      }),
    );
    // Outside its string literals ('...' with '' for a quote), the SQL holds none of the request's text.
    const outsideLiterals = where.replace(/'(?:[^']|'')*'/g, "''");
    expect(outsideLiterals).not.toMatch(/1=1|DROP|--/);
    expect(where).toContain(`'$."x'') OR 1=1 --"'`);
    expect(params).toEqual(expect.arrayContaining(["'; DROP TABLE entities; --", "r') OR 1=1 --"]));
    expect(() => quirky.prepare(`SELECT 1 FROM entities e WHERE ${where}`).all(...params)).not.toThrow();
  });
});
