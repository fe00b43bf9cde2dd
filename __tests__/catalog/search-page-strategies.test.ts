import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CatalogContext, createBlueprint, searchEntitiesPage, writeEntities } from '../../catalog/operations/index.ts';
import { ORDERED_READ_BUDGET } from '../../catalog/operations/entity-page.ts';
import { compileSearchQuery, parseSearchQuery } from '../../catalog/search/index.ts';
import { entitySearchSql, openCatalogDatabase, type EntitySort } from '../../catalog/store/index.ts';

/**
 * A sorted page whose rules no index answers is read one of two ways (entity-page.ts): the first entities in order
 * when they hold the page, else every entity filtered and the matches sorted. Both must give the page a full sort
 * would: checked here against the same order worked out in JavaScript, on more entities than the ordered read's
 * budget, with matches that are everywhere and matches that are few and late.
 */

const ACTOR = { clientId: 'test' };
const COUNT = ORDERED_READ_BUDGET + 2000;
/** Few matches, all late in "stars descending" order: beyond the ordered read's budget. */
const RARE = new Set([`svc-${COUNT - 3}`, `svc-${COUNT - 2}`, `svc-${COUNT - 1}`]);

let dataDir: string;
let db: DatabaseSync;
let ctx: CatalogContext;

const starsOf = (i: number): number => (RARE.has(`svc-${i}`) ? 0 : 1 + (i % 997));
const noteOf = (i: number): string => (RARE.has(`svc-${i}`) ? 'common and rare' : 'common');

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'wharf-strategies-'));
  db = openCatalogDatabase(dataDir);
  ctx = new CatalogContext(db);
  createBlueprint(
    ctx,
    {
      identifier: 'service',
      title: 'Service',
      schema: { properties: { stars: { type: 'number' }, note: { type: 'string' } } },
    },
    ACTOR,
  );
  for (let start = 0; start < COUNT; start += 1000) {
    const bodies = Array.from({ length: Math.min(1000, COUNT - start) }, (_, k) => ({
      identifier: `svc-${start + k}`,
      properties: { stars: starsOf(start + k), note: noteOf(start + k) },
    }));
    expect(writeEntities(ctx, 'service', bodies, { mode: 'create' }, ACTOR).errors).toEqual([]);
  }
});

afterAll(() => {
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The identifiers matching `note contains text`, in the catalog's order for the sort: value, then identifier. */
function expected(text: string, sort: EntitySort): string[] {
  const rows = Array.from({ length: COUNT }, (_, i) => ({ id: `svc-${i}`, stars: starsOf(i), note: noteOf(i) }))
    .filter((row) => row.note.includes(text))
    .sort((a, b) => a.stars - b.stars || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = rows.map((row) => row.id);
  return sort.order === 'desc' ? ids.reverse() : ids;
}

function page(text: string, sort: EntitySort, limit: number, offset = 0): { ids: string[]; hasMore: boolean } {
  const query = { combinator: 'and', rules: [{ property: 'note', operator: 'contains', value: text }] };
  const found = searchEntitiesPage(ctx, { blueprint: 'service', query, sort, limit, offset });
  return { ids: found.entities.map((entity) => entity.identifier), hasMore: found.hasMore };
}

describe('sorted pages whose rules no index answers', () => {
  const byStars: EntitySort = { property: 'stars', order: 'desc' };

  test('matches everywhere: the page is the first of the full order (read in order, within the budget)', () => {
    expect(page('common', byStars, 50)).toEqual({ ids: expected('common', byStars).slice(0, 50), hasMore: true });
    const ascending: EntitySort = { property: 'stars', order: 'asc' };
    expect(page('common', ascending, 50, 100).ids).toEqual(expected('common', ascending).slice(100, 150));
  });

  test('a few matches, late in the order: found all the same (every entity filtered, then sorted)', () => {
    expect(page('rare', byStars, 50)).toEqual({ ids: expected('rare', byStars), hasMore: false });
    expect(page('rare', { property: 'stars', order: 'asc' }, 1, 1)).toEqual({
      ids: [expected('rare', { property: 'stars', order: 'asc' })[1]],
      hasMore: true,
    });
    expect(page('rare', { property: '$identifier', order: 'asc' }, 50).ids).toEqual([...RARE].sort());
  });

  test('a page beyond the budget of the ordered read', () => {
    const offset = ORDERED_READ_BUDGET - 10;
    expect(page('common', byStars, 50, offset).ids).toEqual(expected('common', byStars).slice(offset, offset + 50));
  });

  test('filtering first sorts the matches instead of reading along the sort index (the + in its ORDER BY)', () => {
    page('common', byStars, 1); // the sort's index, made by the first search that sorts by stars
    const compiled = compileSearchQuery(
      parseSearchQuery({ combinator: 'and', rules: [{ property: 'note', operator: 'contains', value: 'rare' }] }, 'q'),
    );
    const plan = (strategy: 'filtered' | 'ordered') => {
      const { sql, params } = entitySearchSql({
        ...compiled,
        blueprint: 'service',
        sort: byStars,
        limit: 51,
        strategy: { read: strategy },
      });
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as SQLInputValue[])) as { detail: string }[])
        .map((row) => row.detail)
        .join('\n');
    };
    expect(plan('filtered')).toContain('USE TEMP B-TREE FOR ORDER BY');
    expect(plan('ordered')).not.toContain('TEMP B-TREE');
  });
});
