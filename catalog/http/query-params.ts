import { invalidRequest } from '../errors.ts';

type Query = Record<string, string | string[] | undefined>;

/** What the helpers read of a request: its parsed query (a fastify request, or a call answered in process). */
export interface WithQuery {
  query: unknown;
}

const queryOf = (request: WithQuery): Query => (request.query ?? {}) as Query;

/** A boolean query parameter: absent is `fallback`; anything but true/false (any case) is an error naming it. */
export function booleanParam(request: WithQuery, name: string, fallback = false): boolean {
  const raw = queryOf(request)[name];
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  if (value === undefined || value === '') return fallback;
  const lowered = value.toLowerCase();
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  throw invalidRequest(`query parameter ${name} must be true or false (got "${value}")`);
}

export function stringParam(request: WithQuery, name: string): string | undefined {
  const raw = queryOf(request)[name];
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  return value === undefined || value === '' ? undefined : value;
}

/** Array parameters arrive repeated (`?include=a&include=b`) or comma-joined (`?include=a,b`): accept both. */
export function listParam(request: WithQuery, name: string): string[] | undefined {
  const raw = queryOf(request)[name];
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
  return values.length > 0 ? values : undefined;
}

export function integerParam(
  request: WithQuery,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const value = stringParam(request, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < bounds.min || parsed > bounds.max) {
    throw invalidRequest(
      `query parameter ${name} must be an integer from ${bounds.min} to ${bounds.max} (got "${value}")`,
    );
  }
  return parsed;
}

/** An ISO-8601 date-time query parameter, normalized to the form the store keeps. */
export function dateParam(request: WithQuery, name: string): string | undefined {
  const value = stringParam(request, name);
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw invalidRequest(`query parameter ${name} must be an ISO-8601 date-time (got "${value}")`);
  }
  return date.toISOString();
}
