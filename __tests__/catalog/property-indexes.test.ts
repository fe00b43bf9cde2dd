import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { Blueprint } from '../../catalog/model.ts';
import {
  CatalogContext,
  createBlueprint,
  deleteBlueprint,
  replaceBlueprint,
  searchAllEntities,
  searchEntitiesPage,
  writeEntities,
} from '../../catalog/operations/index.ts';
import { compileSearchQuery, parseSearchQuery } from '../../catalog/search/index.ts';
import {
  entitySearchSql,
  indexSearchedProperties,
  MAX_PROPERTY_INDEXES,
  openCatalogDatabase,
  propertyIndexName,
  refreshPlannerStatistics,
  STATISTICS_REFRESH_WRITES,
  type EntitySort,
} from '../../catalog/store/index.ts';

/**
 * The indexes of searched properties, on a real SQLite file: which exist as blueprints come and go, that searches
 * and sorted pages use them (SQLite's own EXPLAIN QUERY PLAN, so a change that makes the planner scan fails here), and
 * that hostile property keys make safe names and still match.
 */

const ACTOR = { clientId: 'test' };
const LANGUAGES = ['Go', 'Python', 'Java', 'TypeScript', 'Rust'];

let dataDir: string;
let db: DatabaseSync;
let ctx: CatalogContext;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'wharf-indexes-'));
  db = openCatalogDatabase(dataDir);
  ctx = new CatalogContext(db);
});

afterEach(() => {
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function propertyIndexes(on: DatabaseSync = db): string[] {
  return (
    on
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'entities_property_%' ORDER BY name`)
      .all() as { name: string }[]
  ).map((row) => row.name);
}

const indexesOf = (...keys: string[]): string[] => keys.map(propertyIndexName).sort();

const SERVICE = {
  identifier: 'service',
  title: 'Service',
  schema: {
    properties: {
      name: { type: 'string' },
      language: { type: 'string', enum: LANGUAGES },
      stars: { type: 'number' },
      archived: { type: 'boolean' },
      readme: { type: 'string', format: 'markdown' },
      tags: { type: 'array', items: { type: 'string' } },
      config: { type: 'object' },
    },
  },
};

function writeServices(count: number): void {
  const bodies = Array.from({ length: count }, (_, i) => ({
    identifier: `svc-${i}`,
    properties: { name: `svc-${i}`, language: LANGUAGES[i % LANGUAGES.length], stars: i % 100, archived: i % 7 === 0 },
  }));
  const result = writeEntities(ctx, 'service', bodies, { mode: 'create' }, ACTOR);
  expect(result.errors).toEqual([]);
}

/**
 * What SQLite would do for a search: EXPLAIN QUERY PLAN's lines, after the same search ran once through the
 * catalog's operation (which makes the indexes of what it compares and sorts by).
 */
function planOf(options: { rules: unknown[]; sort?: EntitySort; limit: number; offset?: number }): string {
  const query = { combinator: 'and', rules: options.rules };
  searchEntitiesPage(ctx, { blueprint: 'service', query, sort: options.sort, limit: 1, offset: options.offset });
  const compiled = compileSearchQuery(parseSearchQuery({ combinator: 'and', rules: options.rules }, 'query'));
  const { sql, params } = entitySearchSql({ ...compiled, blueprint: 'service', ...options });
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as SQLInputValue[])) as { detail: string }[];
  return rows.map((row) => row.detail).join('\n');
}

describe('which properties are indexed', () => {
  const search = (query: unknown, sort?: EntitySort) =>
    searchEntitiesPage(ctx, { blueprint: 'service', query, sort, limit: 10 }).entities.map((e) => e.identifier);

  test('none when a blueprint is made: a property gets its index when a search first compares or sorts by it', () => {
    createBlueprint(ctx, SERVICE, ACTOR);
    writeServices(20);
    expect(propertyIndexes()).toEqual([]);
    expect(search(rule('name', '=', 'svc-7'))).toEqual(['svc-7']);
    expect(propertyIndexes()).toEqual(indexesOf('name'));
    search(undefined, { property: 'stars', order: 'desc' });
    search({ combinator: 'or', rules: [{ property: 'archived', operator: '=', value: true }] });
    expect(propertyIndexes()).toEqual(indexesOf('name', 'stars', 'archived'));
    // The API's search across blueprints makes them too.
    searchAllEntities(ctx, rule('language', 'in', ['Go']));
    expect(propertyIndexes()).toEqual(indexesOf('name', 'stars', 'archived', 'language'));
  });

  test('text matching, negations, meta properties, markdown, arrays and objects make none', () => {
    createBlueprint(ctx, SERVICE, ACTOR);
    search(rule('name', 'contains', 'svc'));
    search(rule('name', 'beginsWith', 'svc'));
    search(rule('stars', '!=', 3));
    search(rule('language', 'notIn', ['Go']));
    search(rule('readme', '=', 'x'));
    search(rule('tags', '=', 'x'));
    search(rule('$title', '=', 'x'), { property: '$updatedAt', order: 'asc' });
    search({ combinator: 'and', rules: [{ property: 'config', operator: 'isNotEmpty' }] });
    expect(propertyIndexes()).toEqual([]);
  });

  test('one index per key, shared by blueprints; dropped when no blueprint has the key as a scalar any more', () => {
    createBlueprint(ctx, SERVICE, ACTOR);
    createBlueprint(
      ctx,
      {
        identifier: 'team',
        title: 'Team',
        schema: { properties: { name: { type: 'string' }, size: { type: 'number' } } },
      },
      ACTOR,
    );
    for (const key of ['name', 'language', 'stars', 'archived']) search(rule(key, '=', 1));
    searchEntitiesPage(ctx, { blueprint: 'team', query: rule('size', '>', 3), limit: 1 });
    searchEntitiesPage(ctx, { blueprint: 'team', query: rule('name', '=', 'a'), limit: 1 });
    expect(propertyIndexes()).toEqual(indexesOf('name', 'language', 'stars', 'archived', 'size'));

    // stars removed, language turned into an array: neither is compared as a scalar any more
    replaceBlueprint(
      ctx,
      'service',
      {
        identifier: 'service',
        title: 'Service',
        schema: {
          properties: {
            name: { type: 'string' },
            language: { type: 'array', items: { type: 'string' } },
            archived: { type: 'boolean' },
          },
        },
      },
      ACTOR,
    );
    expect(propertyIndexes()).toEqual(indexesOf('name', 'archived', 'size'));

    deleteBlueprint(ctx, 'service', ACTOR);
    expect(propertyIndexes()).toEqual(indexesOf('name', 'size'));
    deleteBlueprint(ctx, 'team', ACTOR);
    expect(propertyIndexes()).toEqual([]);
  });

  test('a blueprint change that rolls back keeps the indexes it would have dropped', () => {
    createBlueprint(ctx, SERVICE, ACTOR);
    search(rule('language', '=', 'Go'));
    expect(() =>
      ctx.write(() => {
        replaceBlueprint(ctx, 'service', { ...SERVICE, schema: { properties: { name: { type: 'string' } } } }, ACTOR);
        expect(propertyIndexes()).toEqual([]);
        throw new Error('abandoned');
      }),
    ).toThrow('abandoned');
    expect(propertyIndexes()).toEqual(indexesOf('language'));
  });

  test(`at most ${MAX_PROPERTY_INDEXES} keys are indexed, so that writes stay bounded; beyond, searches still answer`, () => {
    const properties = Object.fromEntries(
      Array.from({ length: MAX_PROPERTY_INDEXES + 10 }, (_, i) => [`p${i}`, { type: 'string' }]),
    );
    createBlueprint(ctx, { identifier: 'wide', title: 'Wide', schema: { properties } }, ACTOR);
    writeEntities(
      ctx,
      'wide',
      [{ identifier: 'w', properties: { [`p${MAX_PROPERTY_INDEXES + 5}`]: 'x' } }],
      { mode: 'create' },
      ACTOR,
    );
    for (const key of Object.keys(properties)) {
      const found = searchEntitiesPage(ctx, { blueprint: 'wide', query: rule(key, '=', 'x'), limit: 1 });
      expect(found.entities.map((entity) => entity.identifier)).toEqual(
        key === `p${MAX_PROPERTY_INDEXES + 5}` ? ['w'] : [],
      );
    }
    expect(propertyIndexes()).toEqual(indexesOf(...Object.keys(properties).slice(0, MAX_PROPERTY_INDEXES)));
  });

  test('opening a catalog drops the indexes of properties no blueprint has, and keeps the searched ones', () => {
    createBlueprint(ctx, SERVICE, ACTOR);
    writeServices(50);
    search(rule('name', '=', 'svc-7'));
    // An index an older version made for a property since removed.
    db.exec(
      `CREATE INDEX "${propertyIndexName('gone')}" ON entities (blueprint, json_extract(properties, '$."gone"'))`,
    );
    db.close();

    db = openCatalogDatabase(dataDir);
    ctx = new CatalogContext(db);
    expect(propertyIndexes()).toEqual(indexesOf('name'));
    expect(search(rule('name', '=', 'svc-7'))).toEqual(['svc-7']);
  });
});

function rule(property: string, operator: string, value: unknown): unknown {
  return { combinator: 'and', rules: [{ property, operator, value }] };
}

describe('searches use the indexes', () => {
  // Enough writes for the store to have refreshed the planner's statistics on its own.
  const ENTITIES = STATISTICS_REFRESH_WRITES + 500;

  beforeEach(() => {
    createBlueprint(ctx, SERVICE, ACTOR);
    writeServices(ENTITIES);
  });

  test('equality on a property looks the value up in its index', () => {
    const plan = planOf({ rules: [{ property: 'name', operator: '=', value: 'svc-77' }], limit: 201 });
    expect(plan).toContain(`USING INDEX ${propertyIndexName('name')} (blueprint=? AND <expr>=?)`);
    expect(plan).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  test('a sorted page with a filter reads the sort index in order, with no sort step', () => {
    const plan = planOf({
      rules: [{ property: 'language', operator: '=', value: 'Go' }],
      sort: { property: 'stars', order: 'desc' },
      limit: 51,
    });
    expect(plan).toMatch(new RegExp(`USING INDEX (${propertyIndexName('stars')}|${propertyIndexName('language')})`));
    expect(plan).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  test('a sorted page with no filter reads the sort index in order', () => {
    for (const order of ['asc', 'desc'] as const) {
      const plan = planOf({ rules: [], sort: { property: 'name', order }, limit: 51, offset: 100 });
      expect(plan).toContain(`USING INDEX ${propertyIndexName('name')} (blueprint=?)`);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  test('answers are those of a scan: negations and type checks unchanged', () => {
    const page = (query: unknown) =>
      searchEntitiesPage(ctx, { blueprint: 'service', query, limit: 1000 }).entities.map((e) => e.identifier);
    expect(page(rule('name', '=', 'svc-12'))).toEqual(['svc-12']);
    expect(page(rule('stars', '=', 'svc-12'))).toEqual([]);
    expect(page(rule('name', '=', 12))).toEqual([]);
    expect(page(rule('archived', '=', true))).toHaveLength(Math.ceil(ENTITIES / 7));
    expect(page(rule('stars', '=', 99))).toHaveLength(Math.floor(ENTITIES / 100));
    const notGo = searchEntitiesPage(ctx, {
      blueprint: 'service',
      query: rule('language', '!=', 'Go'),
      limit: 1000,
      offset: 1000,
    });
    expect(notGo.entities.every((entity) => entity.properties.language !== 'Go')).toBe(true);
  });
});

describe('hostile property keys', () => {
  // Keys the API's identifier rule refuses; the store must still be safe with them.
  const HOSTILE_KEYS = [
    `it's`,
    'say "hi"',
    `x') OR 1=1 --`,
    `"); DROP TABLE entities; --`,
    'back\\slash',
    'a.b[0]',
    'ключ 🔑',
    'k'.repeat(10_000),
  ];

  test('make short, safe index names, are matched by searches and answer exactly their own values', () => {
    const blueprint = {
      identifier: 'odd',
      title: 'Odd',
      schema: { properties: Object.fromEntries(HOSTILE_KEYS.map((key) => [key, { type: 'string' }])), required: [] },
      relations: {},
    } as unknown as Blueprint;
    expect(indexSearchedProperties(db, [blueprint], HOSTILE_KEYS)).toBe(true);
    const names = propertyIndexes();
    expect(names).toHaveLength(HOSTILE_KEYS.length);
    for (const name of names) expect(name).toMatch(/^entities_property_[0-9a-f]{16}$/);
    expect(db.prepare('SELECT count(*) AS n FROM entities').get()).toEqual({ n: 0 });

    const insert = db.prepare(`INSERT INTO entities (blueprint, identifier, properties, created_at, created_by,
      updated_at, updated_by) VALUES ('odd', ?, jsonb(?), '', '', '', '')`);
    HOSTILE_KEYS.forEach((key, i) => insert.run(`e${i}`, JSON.stringify({ [key]: `value ${i}` })));
    // Others of each key's values, so that the statistics say a value selects few entities
    for (let n = 0; n < 500; n++) {
      insert.run(`filler-${n}`, JSON.stringify(Object.fromEntries(HOSTILE_KEYS.map((key) => [key, `other ${n}`]))));
    }
    refreshPlannerStatistics(db);

    HOSTILE_KEYS.forEach((key, i) => {
      const compiled = compileSearchQuery(parseSearchQuery(rule(key, '=', `value ${i}`), 'query'));
      const { sql, params } = entitySearchSql({ ...compiled, blueprint: 'odd' });
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((row) => row.detail)
        .join('\n');
      expect(plan).toContain(`USING INDEX ${propertyIndexName(key)}`);
      expect((db.prepare(sql).all(...params) as { identifier: string }[]).map((row) => row.identifier)).toEqual([
        `e${i}`,
      ]);
    });
  });
});
