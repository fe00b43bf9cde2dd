import { type EntitySort, indexSearchedProperties, SORTABLE_META_COLUMNS } from '../store/index.ts';
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
