import { consolePaths } from '../paths.ts';
import { firstValue } from '../query-value.ts';
import { isRunStatus, RUN_STATUSES } from './run-status.ts';

/** Rows of one page of the runs list. */
export const RUNS_PAGE_SIZE = 50;

/** Longer than any identifier the catalog takes: a longer value is cut rather than searched for. */
const MAX_VALUE_CHARS = 1_000;

/** What the address of the runs list asks for: its filters (as typed) and where the page starts. */
export interface RunListRequest {
  action: string | undefined;
  status: string | undefined;
  entity: string | undefined;
  blueprint: string | undefined;
  /** The page of runs after this run (newest first): `?before=<run id>`. */
  before: string | undefined;
  /** The page of runs before this run: `?after=<run id>`. */
  after: string | undefined;
}

const FIELDS = ['action', 'status', 'entity', 'blueprint', 'before', 'after'] as const;

/** A query parameter as one trimmed string (the first when repeated); empty means not given. */
function queryValue(query: Record<string, unknown>, name: string): string | undefined {
  const trimmed = firstValue(query[name])?.trim().slice(0, MAX_VALUE_CHARS);
  return trimmed === '' ? undefined : trimmed;
}

export function parseRunListRequest(query: Record<string, unknown>): RunListRequest {
  const request: RunListRequest = {
    action: queryValue(query, 'action'),
    status: queryValue(query, 'status'),
    entity: queryValue(query, 'entity'),
    blueprint: queryValue(query, 'blueprint'),
    before: queryValue(query, 'before'),
    after: queryValue(query, 'after'),
  };
  // One cursor at a time: a hand-made address with both starts from `before`.
  if (request.before !== undefined) request.after = undefined;
  return request;
}

/** Why the status asked for cannot be searched, for the message beside its field; undefined when it can. */
export function statusProblem(request: RunListRequest): string | undefined {
  if (request.status === undefined || isRunStatus(request.status)) return undefined;
  const known = RUN_STATUSES.map(({ status }) => status).join(', ');
  return `"${request.status}" is not a run status: choose one of the list (${known}).`;
}

export function hasFilter(request: RunListRequest): boolean {
  return [request.action, request.status, request.entity, request.blueprint].some((value) => value !== undefined);
}

/** The address of the list with the same filters, starting where `page` says (the newest runs when it says nothing). */
export function runListHref(request: RunListRequest, page: { before?: string; after?: string } = {}): string {
  const params = new URLSearchParams();
  const values = { ...request, before: page.before, after: page.after };
  for (const name of FIELDS) {
    const value = values[name];
    if (value !== undefined) params.set(name, value);
  }
  const query = params.toString();
  return `${consolePaths.runs}${query ? `?${query}` : ''}`;
}
