import { z } from 'zod';
import { invalidRequest } from '../errors.ts';
import type { Entity } from '../model.ts';
import { compileSearchQuery, parseSearchQuery } from '../search/index.ts';
import { type EntitySearch, SORTABLE_META_COLUMNS, type EntitySort } from '../store/index.ts';
import type { CatalogContext } from './context.ts';
import { requireBlueprint } from './entities.ts';
import { indexPropertiesOf } from './searched-properties.ts';

/** A page of a blueprint's entities as a table shows it: filtered, sorted, skipping `offset`. */
export interface EntityPageRequest {
  blueprint: string;
  /** Search rules as POST /v1/entities/search takes them (validated here); none: every entity. */
  query?: unknown;
  /** By identifier when absent. */
  sort?: EntitySort | undefined;
  limit: number;
  offset?: number | undefined;
}

export interface EntityPage {
  entities: Entity[];
  /** Whether entities follow this page. */
  hasMore: boolean;
}

export const MAX_PAGE_LIMIT = 1000;

export const entitySortSchema = z.strictObject({
  property: z.string().min(1),
  order: z.enum(['asc', 'desc']).default('asc'),
});

/**
 * One page of a blueprint's entities matching `query`, sorted. The console's table calls this; so does
 * `POST /v1/blueprints/{bp}/entities/search` when its body has `sort` or `offset`. A sort on a scalar property
 * (string, number, boolean) reads the property's index in order, so a page of 50 is as quick over 100,000 entities
 * as over 100; an offset costs a step per entity skipped.
 */
export function searchEntitiesPage(
  ctx: CatalogContext,
  request: EntityPageRequest,
  /** Where the request sits in what the caller was sent, for messages: `body.` for the API. */
  fieldPrefix = '',
): EntityPage {
  const blueprint = requireBlueprint(ctx, request.blueprint);
  const { sort, limit, offset } = request;
  if (sort && !SORTABLE_META_COLUMNS.has(sort.property) && !(sort.property in blueprint.schema.properties)) {
    throw invalidRequest(
      `${fieldPrefix}sort.property: "${sort.property}" is not a property of blueprint "${blueprint.identifier}" nor one of ${[...SORTABLE_META_COLUMNS.keys()].join(', ')}`,
    );
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw invalidRequest(`${fieldPrefix}limit: an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  if (offset !== undefined && (!Number.isSafeInteger(offset) || offset < 0)) {
    throw invalidRequest(`${fieldPrefix}offset: an integer of 0 or more`);
  }
  const compiled =
    request.query === undefined
      ? { where: '1', params: [], comparedProperties: [] }
      : compileSearchQuery(parseSearchQuery(request.query, `${fieldPrefix}query`), { now: ctx.nowDate() });
  indexPropertiesOf(ctx, { ...compiled, sort });
  const search = {
    ...compiled,
    blueprint: blueprint.identifier,
    sort: sort ?? { property: '$identifier', order: 'asc' as const },
    limit: limit + 1,
    offset: offset ?? 0,
  };
  const rows =
    request.query !== undefined && compiled.comparedProperties.length === 0
      ? searchWithoutIndexedRule(ctx, search)
      : ctx.entities.search(search);
  const hasMore = rows.length > limit;
  return { entities: hasMore ? rows.slice(0, limit) : rows, hasMore };
}

/** Entities read in sort order before a page of matches is given up on, in favour of filtering every entity. */
export const ORDERED_READ_BUDGET = 4000;

/**
 * A sorted page whose rules no index answers (`contains`, negations...). Read along the sort's index, it is quick
 * when many entities match and reads every entity when few do (a page of 11 matches among 100,000); filtered
 * first, it is the other way round. So the first ORDERED_READ_BUDGET entities in order are tried; when they hold
 * the page, that is it, and otherwise every entity is filtered and the matches sorted.
 */
function searchWithoutIndexedRule(
  ctx: CatalogContext,
  search: EntitySearch & { limit: number; offset: number },
): Entity[] {
  if (search.offset + search.limit <= ORDERED_READ_BUDGET) {
    const first = ctx.entities.search({ ...search, strategy: { read: 'first', readAtMost: ORDERED_READ_BUDGET } });
    if (first.length === search.limit) return first;
  }
  return ctx.entities.search({ ...search, strategy: { read: 'filtered' } });
}
