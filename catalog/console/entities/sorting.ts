/** An order of the entity table: a column (a search field such as `$identifier`) and a direction. */
export interface TableSort {
  field: string;
  direction: 'ascending' | 'descending';
}

/**
 * The orders the table offers: those the catalog's search operation can return.
 *
 * TODO(issue 16): searchBlueprintEntities (catalog/operations/search.ts) pages in identifier order only, so this
 * is the one order offered. Sorting by another column, or descending, needs a sorted, paged search operation in
 * catalog/operations (planned with the search indexes); once it exists, list its orders here and pass the sort to
 * it in routes/entities.ts. Sorting a page in memory would be wrong: each page would be sorted on its own.
 */
export const AVAILABLE_SORTS: readonly TableSort[] = [{ field: '$identifier', direction: 'ascending' }];

export const DEFAULT_SORT: TableSort = AVAILABLE_SORTS[0]!;

/** `$identifier` or `-$identifier` (descending), as the table's links write a sort. */
export function parseSort(text: string | undefined): TableSort | undefined {
  if (!text) return undefined;
  const descending = text.startsWith('-');
  return { field: descending ? text.slice(1) : text, direction: descending ? 'descending' : 'ascending' };
}

export function formatSort(sort: TableSort): string {
  return `${sort.direction === 'descending' ? '-' : ''}${sort.field}`;
}

/** The sort asked for when the table offers it, else the default and a note saying so. */
export function chooseSort(requested: TableSort | undefined): { sort: TableSort; note?: string } {
  if (!requested) return { sort: DEFAULT_SORT };
  const offered = AVAILABLE_SORTS.find(
    (sort) => sort.field === requested.field && sort.direction === requested.direction,
  );
  if (offered) return { sort: offered };
  return {
    sort: DEFAULT_SORT,
    note: `Sorting by ${requested.field} (${requested.direction}) is not available yet; the table is sorted by identifier.`,
  };
}
