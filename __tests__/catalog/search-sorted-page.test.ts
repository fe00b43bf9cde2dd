import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';

/**
 * Sorted pages, wharf's own shape of POST /v1/blueprints/{bp}/entities/search (`sort`, `offset`; the console's table
 * calls the same operation), against the real server:
 *
 *   service   name     stars  language
 *     a       "delta"  5      Go
 *     b       "alpha"  9      Go
 *     c       "charlie" 5     Rust
 *     d       (none)   (none) Go
 *     e       "bravo"  1      Go
 *     f       "echo"   9      Go
 */

type Entity = { identifier: string; title: string | null; properties: Record<string, unknown> };
type Page = { ok: true; entities: Entity[]; next: string | null };
type Problem = { ok: false; error: string; message: string };

let catalog: TestCatalog;

const ENTITIES = [
  { identifier: 'a', title: 'Zulu', properties: { name: 'delta', stars: 5, language: 'Go' } },
  { identifier: 'b', title: 'Yankee', properties: { name: 'alpha', stars: 9, language: 'Go' } },
  { identifier: 'c', title: 'Xray', properties: { name: 'charlie', stars: 5, language: 'Rust' } },
  { identifier: 'd', title: 'Whiskey', properties: { language: 'Go' } },
  { identifier: 'e', title: 'Victor', properties: { name: 'bravo', stars: 1, language: 'Go' } },
  { identifier: 'f', title: 'Uniform', properties: { name: 'echo', stars: 9, language: 'Go' } },
];

beforeAll(async () => {
  catalog = await startTestCatalog();
  const blueprint = await catalog.api('POST', '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: {
      properties: { name: { type: 'string' }, stars: { type: 'number' }, language: { type: 'string' } },
    },
  });
  expect(blueprint.status).toBe(201);
  const bulk = await catalog.api<{ errors: unknown[] }>('POST', '/v1/blueprints/service/entities/bulk', {
    entities: ENTITIES,
  });
  expect(bulk.body.errors).toEqual([]);
});

afterAll(async () => {
  await catalog.close();
});

async function page(body: Record<string, unknown>): Promise<Page> {
  const response = await catalog.api<Page>('POST', '/v1/blueprints/service/entities/search', body);
  expect(response.status).toBe(200);
  return response.body;
}

const ids = (found: Page): string[] => found.entities.map((entity) => entity.identifier);
const GO = { combinator: 'and', rules: [{ property: 'language', operator: '=', value: 'Go' }] };

describe('sorted pages', () => {
  test('by a number, descending: ties by identifier descending, missing values last', async () => {
    expect(ids(await page({ sort: { property: 'stars', order: 'desc' } }))).toEqual(['f', 'b', 'c', 'a', 'e', 'd']);
  });

  test('by a number, ascending: missing values first, ties by identifier', async () => {
    expect(ids(await page({ sort: { property: 'stars', order: 'asc' } }))).toEqual(['d', 'e', 'a', 'c', 'b', 'f']);
  });

  test('filtered, then sorted: the console table page', async () => {
    expect(ids(await page({ query: GO, sort: { property: 'stars', order: 'desc' }, limit: 3 }))).toEqual([
      'f',
      'b',
      'a',
    ]);
  });

  test('by a string, and by meta fields; ascending is the default order', async () => {
    expect(ids(await page({ sort: { property: 'name' } }))).toEqual(['d', 'b', 'e', 'c', 'a', 'f']);
    expect(ids(await page({ sort: { property: '$title', order: 'asc' } }))).toEqual(['f', 'e', 'd', 'c', 'b', 'a']);
    expect(ids(await page({ sort: { property: '$identifier', order: 'desc' } }))).toEqual([
      'f',
      'e',
      'd',
      'c',
      'b',
      'a',
    ]);
  });

  test('pages by offset, and `next` leads to the page after', async () => {
    const sort = { property: 'stars', order: 'desc' };
    const first = await page({ sort, limit: 4 });
    expect(ids(first)).toEqual(['f', 'b', 'c', 'a']);
    expect(first.next).toEqual(expect.any(String));
    const second = await page({ sort, limit: 4, from: first.next });
    expect(ids(second)).toEqual(['e', 'd']);
    expect(second.next).toBeNull();
    expect(ids(await page({ sort, limit: 2, offset: 2 }))).toEqual(['c', 'a']);
    expect(ids(await page({ sort, offset: 6 }))).toEqual([]);
  });

  test('an unsorted search keeps its keyset cursor', async () => {
    const first = await page({ limit: 4 });
    expect(ids(first)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(await page({ limit: 4, from: first.next }))).toEqual(['e', 'f']);
  });
});

describe('refused', () => {
  const expectInvalid = async (body: unknown, message: string | RegExp) => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/service/entities/search', body);
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      ok: false,
      error: 'invalid_request',
      message: typeof message === 'string' ? message : expect.stringMatching(message),
    });
  };

  test('a sort on what the blueprint does not have, SQL included', async () => {
    await expectInvalid(
      { sort: { property: 'ghost' } },
      /^body\.sort\.property: "ghost" is not a property of blueprint "service"/,
    );
    await expectInvalid(
      { sort: { property: "stars') DESC; DROP TABLE entities; --" } },
      /^body\.sort\.property: "stars'\) DESC; DROP TABLE entities; --" is not a property/,
    );
    await expectInvalid({ sort: { property: '$team' } }, /^body\.sort\.property: "\$team" is not a property/);
    expect(ids(await page({ sort: { property: 'stars' } }))).toHaveLength(6);
  });

  test('an order other than asc and desc, a negative offset, offset with a cursor', async () => {
    await expectInvalid({ sort: { property: 'stars', order: 'up' } }, /^body\.sort\.order/);
    await expectInvalid({ offset: -1 }, /^body\.offset/);
    const first = await page({ sort: { property: 'stars' }, limit: 2 });
    await expectInvalid({ offset: 2, from: first.next }, 'body: "offset" and "from" together');
    const unsorted = await page({ limit: 2 });
    await expectInvalid(
      { sort: { property: 'stars' }, from: unsorted.next },
      'body.from: a cursor of an unsorted search, given with "sort"',
    );
  });

  test('a rule of the filter, named in the body', async () => {
    await expectInvalid(
      { sort: { property: 'stars' }, query: { combinator: 'and', rules: [{ property: 'x', operator: 'like' }] } },
      /^body\.query\.rules\[0\]/,
    );
  });
});
