import type { z } from 'zod';
import { formatIssuePath } from '../../src/json/index.ts';
import { invalidRequest } from '../errors.ts';
import { searchQuerySchema, type SearchQuery } from './schema.ts';

/** Deeper nesting gains nothing real and only risks the stack and SQLite's expression-depth limit. */
export const MAX_NESTING = 20;

/**
 * Rules in one query, nested ones and nested queries included. Each compiles to SQL with a few parameters, and
 * SQLite takes at most 32,766 parameters per statement: this keeps every query well inside that, and far past any
 * hand-written or generated filter. Lists (`in`, `notIn`, `relatedTo`) are one parameter, whatever their length.
 */
export const MAX_RULES = 1000;

/** `containsAny` scans each row once per value: its values are bounded like rules. */
export const MAX_CONTAINS_ANY_VALUES = 1000;

/**
 * Validates a search query. On failure throws 422 `invalid_request` naming the first bad spot, e.g.
 * `query.rules[1].rules[0].operator: unknown operator "equals"; expected one of =, !=, ...`.
 */
export function parseSearchQuery(body: unknown, path = 'query'): SearchQuery {
  const tooDeep = findTooDeep(body, 0, path);
  if (tooDeep) throw invalidRequest(`${tooDeep}: queries nest deeper than ${MAX_NESTING} levels`);
  const rules = countRules(body);
  if (rules > MAX_RULES) {
    throw invalidRequest(`${path}.rules: ${count(rules)} rules in all; at most ${count(MAX_RULES)}`);
  }
  const longList = findLongContainsAny(body, path);
  if (longList) {
    throw invalidRequest(
      `${longList.path}.value: containsAny with ${count(longList.values)} values; at most ${count(MAX_CONTAINS_ANY_VALUES)}`,
    );
  }
  const result = searchQuerySchema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw invalidRequest(`${formatIssuePath(path, issue.path)}: ${describe(issue)}`);
}

/** Stops descending past the limit, so a hostile body cannot exhaust the stack here either. */
function findTooDeep(value: unknown, depth: number, path: string): string | undefined {
  const rules = rulesOf(value);
  if (!rules) return undefined;
  if (depth > MAX_NESTING) return path;
  for (const [index, rule] of rules.entries()) {
    const found = findTooDeep(rule, depth + 1, `${path}.rules[${index}]`);
    if (found) return found;
  }
  return undefined;
}

/** Every rule and nested query below `value` (already known to nest no deeper than MAX_NESTING). */
function countRules(value: unknown): number {
  const rules = rulesOf(value);
  return rules ? rules.reduce((total: number, rule) => total + 1 + countRules(rule), 0) : 0;
}

function findLongContainsAny(value: unknown, path: string): { path: string; values: number } | undefined {
  const rules = rulesOf(value);
  if (!rules) return undefined;
  for (const [index, rule] of rules.entries()) {
    const rulePath = `${path}.rules[${index}]`;
    const { operator, value: values } = (rule ?? {}) as { operator?: unknown; value?: unknown };
    if (operator === 'containsAny' && Array.isArray(values) && values.length > MAX_CONTAINS_ANY_VALUES) {
      return { path: rulePath, values: values.length };
    }
    const nested = findLongContainsAny(rule, rulePath);
    if (nested) return nested;
  }
  return undefined;
}

function rulesOf(value: unknown): unknown[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const rules = (value as { rules?: unknown }).rules;
  return Array.isArray(rules) ? rules : undefined;
}

/** 5000 as `5,000`, as limits are written. */
function count(value: number): string {
  return value.toLocaleString('en-US');
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `expected ${issue.expected}, received ${kindOf(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return 'is required';
      return `expected one of ${issue.values.map(String).join(', ')}, received ${JSON.stringify(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
    case 'invalid_union': {
      if (issue.input === undefined && issue.errors.length > 0) return 'is required';
      // When every alternative failed on the type alone, list the types that would have been accepted.
      const firsts = issue.errors.map((branch) => branch[0]);
      const types = firsts.flatMap((first) =>
        first?.code === 'invalid_type' && first.path.length === 0 ? [first.expected] : [],
      );
      if (types.length > 0 && types.length === firsts.length) {
        return `expected ${alternatives([...new Set(types)])}, received ${kindOf(issue.input)}`;
      }
      return issue.message;
    }
    default:
      return issue.message;
  }
}

/** `a, b or c` */
function alternatives(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
