import { z } from 'zod';
import { invalidRequest, parseOrInvalid } from '../errors.ts';
import type { Entity } from '../model.ts';
import { compileSearchQuery, parseSearchQuery } from '../search/index.ts';
import type { CatalogContext } from './context.ts';
import { requireBlueprint } from './entities.ts';
import { entitySortSchema, searchEntitiesPage } from './entity-page.ts';
import { searchEntities } from './searched-properties.ts';

/** Each path is applied to every entity of the page: bounded, as the query string bounds them on other routes. */
export const MAX_PROJECTION_PATHS = 1000;

const projectionPaths = z
  .array(z.string())
  .max(MAX_PROJECTION_PATHS, `at most ${MAX_PROJECTION_PATHS.toLocaleString('en-US')} paths`)
  .optional();

const blueprintSearchSchema = z.strictObject({
  query: z.unknown().optional(),
  include: projectionPaths,
  exclude: projectionPaths,
  limit: z.number().int().min(1).max(1000).default(200),
  from: z.string().optional(),
  // wharf's own: a sorted table page (catalog/operations/entity-page.ts)
  sort: entitySortSchema.optional(),
  offset: z.number().int().min(0).optional(),
});

export interface SearchPage {
  entities: Entity[];
  next: string | null;
  include?: string[] | undefined;
  exclude?: string[] | undefined;
}

/** `POST /v1/blueprints/{bp}/entities/search`: one page, and a cursor to the next when there is more. */
export function searchBlueprintEntities(ctx: CatalogContext, blueprint: string, body: unknown): SearchPage {
  requireBlueprint(ctx, blueprint);
  const { query, include, exclude, limit, from, sort, offset } = parseOrInvalid(
    blueprintSearchSchema,
    body ?? {},
    'body',
  );
  const cursor = from === undefined ? undefined : decodeCursor(from);
  if (sort !== undefined || offset !== undefined || (cursor !== undefined && 'offset' in cursor)) {
    if (offset !== undefined && cursor !== undefined) throw invalidRequest('body: "offset" and "from" together');
    const start = offset ?? (cursor && 'offset' in cursor ? cursor.offset : 0);
    if (cursor !== undefined && !('offset' in cursor)) {
      throw invalidRequest('body.from: a cursor of an unsorted search, given with "sort"');
    }
    const page = searchEntitiesPage(ctx, { blueprint, query, sort, limit, offset: start }, 'body.');
    return {
      entities: page.entities,
      next: page.hasMore ? encodeOffsetCursor(start + limit) : null,
      include,
      exclude,
    };
  }
  const compiled =
    query === undefined
      ? { where: '1', params: [], comparedProperties: [] }
      : compileSearchQuery(parseSearchQuery(query, 'body.query'), { now: ctx.nowDate() });
  const rows = searchEntities(ctx, {
    ...compiled,
    blueprint,
    after: cursor,
    limit: limit + 1,
  });
  const hasMore = rows.length > limit;
  const entities = hasMore ? rows.slice(0, limit) : rows;
  const last = entities.at(-1);
  return {
    entities,
    next: hasMore && last ? encodeCursor(last) : null,
    include,
    exclude,
  };
}

/** `POST /v1/entities/search`: every entity of any blueprint that matches. */
export function searchAllEntities(ctx: CatalogContext, body: unknown): Entity[] {
  const compiled = compileSearchQuery(parseSearchQuery(body, 'body'), { now: ctx.nowDate() });
  return searchEntities(ctx, compiled);
}

/** A page's `next` in (blueprint, identifier) order: where the next page starts. */
export function encodeCursor(entity: Entity): string {
  return Buffer.from(JSON.stringify([entity.blueprint, entity.identifier])).toString('base64url');
}

/** A sorted page's `next`: how many entities the pages so far held (sorted pages page by offset). */
function encodeOffsetCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

/** A keyset cursor (encodeCursor); anything else is a 422 naming `field`. */
export function decodeKeysetCursor(cursor: string, field: string): { blueprint: string; identifier: string } {
  const decoded = decodeCursor(cursor, field);
  if ('offset' in decoded) throw invalidRequest(`${field}: a cursor of a sorted search`);
  return decoded;
}

function decodeCursor(
  cursor: string,
  field = 'body.from',
): { blueprint: string; identifier: string } | { offset: number } {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(decoded)) {
      const [blueprint, identifier] = decoded as unknown[];
      if (typeof blueprint === 'string' && typeof identifier === 'string') return { blueprint, identifier };
    } else if (typeof decoded === 'object' && decoded !== null) {
      const { offset } = decoded as { offset?: unknown };
      if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return { offset };
    }
  } catch {
    // reported below
  }
  throw invalidRequest(`${field}: not a cursor this server returned as "next"`);
}
