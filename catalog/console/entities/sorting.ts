import type { Blueprint } from '../../model.ts';

/** An order of the entity table: a column (a search field such as `$identifier` or a property) and a direction. */
export interface TableSort {
  field: string;
  direction: 'ascending' | 'descending';
}

export const DEFAULT_SORT: TableSort = { field: '$identifier', direction: 'ascending' };

/** Meta fields the catalog's sorted page can order by (SORTABLE_META_COLUMNS of the entity store). */
const SORTABLE_META = ['$identifier', '$title', '$createdAt', '$updatedAt'];

/** Property types whose values order meaningfully; a list or an object has no order a person would expect. */
const SORTABLE_TYPES = new Set(['string', 'number', 'boolean']);

/** The columns the table can be sorted by: the catalog's sortable meta fields and the scalar properties. */
export function sortableFields(blueprint: Blueprint): Set<string> {
  const properties = Object.entries(blueprint.schema.properties)
    .filter(([, property]) => SORTABLE_TYPES.has(property.type))
    .map(([name]) => name);
  return new Set([...SORTABLE_META, ...properties]);
}

/** `field` or `-field` (descending), as the table's links write a sort. */
export function parseSort(text: string | undefined): TableSort | undefined {
  if (!text) return undefined;
  const descending = text.startsWith('-');
  return { field: descending ? text.slice(1) : text, direction: descending ? 'descending' : 'ascending' };
}

export function formatSort(sort: TableSort): string {
  return `${sort.direction === 'descending' ? '-' : ''}${sort.field}`;
}

/** The sort asked for when the table offers it, else the default and a note saying so. */
export function chooseSort(blueprint: Blueprint, requested: TableSort | undefined): { sort: TableSort; note?: string } {
  if (!requested) return { sort: DEFAULT_SORT };
  if (sortableFields(blueprint).has(requested.field)) return { sort: requested };
  return { sort: DEFAULT_SORT, note: `The table cannot be sorted by ${requested.field}; it is sorted by identifier.` };
}

/** The sort a column's header link asks for: the other direction when the table is sorted by it, else ascending. */
export function toggledSort(current: TableSort, field: string): TableSort {
  if (current.field !== field) return { field, direction: 'ascending' };
  return { field, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}

/** The sort in the catalog's terms (catalog/operations searchEntitiesPage). */
export function catalogSortOf(sort: TableSort): { property: string; order: 'asc' | 'desc' } {
  return { property: sort.field, order: sort.direction === 'descending' ? 'desc' : 'asc' };
}
