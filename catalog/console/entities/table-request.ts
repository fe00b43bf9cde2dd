import { consolePaths } from '../paths.ts';
import { firstValue } from '../query-value.ts';
import type { EntityFilter } from './filter.ts';
import { formatSort, parseSort, type TableSort } from './sorting.ts';

/** Rows of one page of the entity table. */
export const PAGE_SIZE = 50;

/** What the address of an entity table asks for: a filter, an order, and a page. */
export interface TableRequest {
  filter: EntityFilter | undefined;
  sort: TableSort | undefined;
  /** From 1; the catalog's sorted page skips the rows of the pages before it. */
  page: number;
}

/** A query string value as one string; anything longer than a form would send is cut. */
const one = (value: unknown): string | undefined => firstValue(value)?.slice(0, 10_000);

export function parseTableRequest(query: Record<string, unknown>): TableRequest {
  const property = one(query.property) ?? '';
  const page = Number(one(query.page));
  return {
    filter:
      property === '' ? undefined : { property, operator: one(query.operator) ?? '=', value: one(query.value) ?? '' },
    sort: parseSort(one(query.sort)),
    page: Number.isSafeInteger(page) && page > 1 ? page : 1,
  };
}

/** The rows a page skips. */
export function offsetOf(request: TableRequest): number {
  return (request.page - 1) * PAGE_SIZE;
}

/** The address of the table for a request: the same filter and order, on the page given. */
export function tableHref(blueprint: string, request: TableRequest): string {
  const params = new URLSearchParams();
  if (request.filter) {
    params.set('property', request.filter.property);
    params.set('operator', request.filter.operator);
    params.set('value', request.filter.value);
  }
  if (request.sort) params.set('sort', formatSort(request.sort));
  if (request.page > 1) params.set('page', String(request.page));
  const query = params.toString();
  return `${consolePaths.entities(blueprint)}${query ? `?${query}` : ''}`;
}
