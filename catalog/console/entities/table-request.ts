import { consolePaths } from '../paths.ts';
import type { EntityFilter } from './filter.ts';
import { formatSort, parseSort, type TableSort } from './sorting.ts';

/** Rows of one page of the entity table. */
export const PAGE_SIZE = 50;

/** What the address of an entity table asks for: a filter, an order, and where the page starts. */
export interface TableRequest {
  filter: EntityFilter | undefined;
  sort: TableSort | undefined;
  /** The search operation's cursor to this page; none for the first. */
  from: string | undefined;
  /** The page's number, for a person to read (the cursor says where it starts). */
  page: number;
}

/** A query string value as one string (the first when repeated); anything longer than a form would send is cut. */
function one(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.slice(0, 10_000) : undefined;
}

export function parseTableRequest(query: Record<string, unknown>): TableRequest {
  const property = one(query.property) ?? '';
  const page = Number(one(query.page));
  return {
    filter:
      property === '' ? undefined : { property, operator: one(query.operator) ?? '=', value: one(query.value) ?? '' },
    sort: parseSort(one(query.sort)),
    from: one(query.from) || undefined,
    page: Number.isInteger(page) && page > 1 && one(query.from) ? page : 1,
  };
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
  if (request.from) {
    params.set('from', request.from);
    params.set('page', String(request.page));
  }
  const query = params.toString();
  return `${consolePaths.entities(blueprint)}${query ? `?${query}` : ''}`;
}
