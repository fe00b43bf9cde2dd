import type { Entity } from '../model.ts';
import { type EntitySearch, type EntitySort, indexSearchedProperties, SORTABLE_META_COLUMNS } from '../store/index.ts';
import type { CatalogContext } from './context.ts';

/**
 * Before a search runs: the properties it compares or sorts by get their index if they have none yet, so that this
 * search and every later one read the index instead of every entity (catalog/store/property-indexes.ts).
 */
export function indexPropertiesOf(
  ctx: CatalogContext,
  search: { comparedProperties?: readonly string[] | undefined; sort?: EntitySort | undefined },
): void {
  const keys = [...(search.comparedProperties ?? [])];
  if (search.sort && !SORTABLE_META_COLUMNS.has(search.sort.property)) keys.push(search.sort.property);
  if (keys.length > 0) indexSearchedProperties(ctx.db, ctx.blueprints.list(), keys);
}

/** A search of the store, after the properties it compares or sorts by got their index. */
export function searchEntities(
  ctx: CatalogContext,
  search: EntitySearch & { comparedProperties?: readonly string[] | undefined },
): Entity[] {
  indexPropertiesOf(ctx, search);
  return ctx.entities.search(search);
}
