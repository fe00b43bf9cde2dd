import { z } from 'zod';
import { parseOrInvalid } from '../errors.ts';
import { compileSearchQuery, parseSearchQuery, type SearchRule } from '../search/index.ts';
import { isDateTime } from '../search/dates.ts';
import { MAX_DATASOURCE_LENGTH } from './datasource.ts';
import type { CatalogContext } from './context.ts';
import { decodeKeysetCursor, encodeCursor } from './search.ts';
import { searchEntities } from './searched-properties.ts';

const datasourcePart = z.string().max(MAX_DATASOURCE_LENGTH, `at most ${MAX_DATASOURCE_LENGTH} characters`);

const datasourceEntitiesSchema = z.strictObject({
  datasource_prefix: datasourcePart,
  datasource_suffix: datasourcePart,
  /** Only entities last written before this instant: what a resync that began then did not touch. */
  before: z
    .string()
    .refine(isDateTime, 'expected an ISO 8601 date-time with a zone, e.g. 2026-01-01T00:00:00.000Z')
    .optional(),
  /** Further rules every entity must match, in the search's form. */
  extra_conditions: z.unknown().optional(),
  /** A page of this many; without it, every match at once (identifier and blueprint each, so the answer is small). */
  limit: z.number().int().min(1).max(1000).optional(),
  from: z.string().optional(),
});

export interface DatasourceEntitiesPage {
  entities: { identifier: string; blueprint: string }[];
  next: string | null;
}

/**
 * `POST /v1/blueprints/entities/datasource-entities`: the entities whose datasource begins and ends as given, of
 * every blueprint, as Ocean reads its own entities at the end of a resync to find the stale ones.
 */
export function datasourceEntities(ctx: CatalogContext, body: unknown): DatasourceEntitiesPage {
  const request = parseOrInvalid(datasourceEntitiesSchema, body ?? {}, 'body');
  const rules: SearchRule[] = [
    { property: '$datasource', operator: 'beginsWith', value: request.datasource_prefix },
    { property: '$datasource', operator: 'endsWith', value: request.datasource_suffix },
  ];
  if (request.before !== undefined) rules.push({ property: '$updatedAt', operator: '<', value: request.before });
  if (request.extra_conditions !== undefined) {
    rules.push(parseSearchQuery(request.extra_conditions, 'body.extra_conditions'));
  }
  const compiled = compileSearchQuery({ combinator: 'and', rules }, { now: ctx.nowDate() });
  const after = request.from === undefined ? undefined : decodeKeysetCursor(request.from, 'body.from');
  const rows = searchEntities(ctx, {
    ...compiled,
    after,
    ...(request.limit !== undefined && { limit: request.limit + 1 }),
  });
  const hasMore = request.limit !== undefined && rows.length > request.limit;
  const page = hasMore ? rows.slice(0, request.limit) : rows;
  const last = page.at(-1);
  return {
    entities: page.map((entity) => ({ identifier: entity.identifier, blueprint: entity.blueprint })),
    next: hasMore && last ? encodeCursor(last) : null,
  };
}
