/**
 * The positive comparison operators as SQL over a field. Semantics depend on the stored value's JSON type, not on
 * the blueprint: strings compare as text (case-sensitive), numbers as numbers, booleans as JSON true/false, arrays by
 * element, and date-time values as instants. Where it can, a JSON predicate tests the value first and its type
 * second (`x AND type`), so a row that fails costs one JSON lookup: that keeps `=` and `contains` scans cheap.
 */
import { CANONICAL_INSTANT, isDateTime, presetRange, toInstant, type InstantRange } from './dates.ts';
import { jsonTypeOf, someElement, valueOf, type Field } from './fields.ts';
import type { DateWindow, ListValue, Operator } from './schema.ts';
import { FALSE, Sql, list, sql } from './sql.ts';

export type PositiveOperator =
  '=' | '>' | '>=' | '<' | '<=' | 'contains' | 'beginsWith' | 'endsWith' | 'containsAny' | 'in' | 'isEmpty' | 'between';

/**
 * Each negated operator matches exactly the entities its positive form does not, missing values included
 * (Port: `!=` "returns all results that fail to satisfy the check").
 */
const POSITIVE_OF = {
  '!=': '=',
  doesNotContains: 'contains',
  doesNotBeginsWith: 'beginsWith',
  doesNotEndsWith: 'endsWith',
  notIn: 'in',
  isNotEmpty: 'isEmpty',
  notBetween: 'between',
} as const satisfies Partial<Record<Operator, PositiveOperator>>;

export function splitNegation(operator: Exclude<Operator, 'relatedTo'>): {
  positive: PositiveOperator;
  negated: boolean;
} {
  return operator in POSITIVE_OF
    ? { positive: POSITIVE_OF[operator as keyof typeof POSITIVE_OF], negated: true }
    : { positive: operator as PositiveOperator, negated: false };
}

export type RuleValue = string | number | boolean | null | string[] | ListValue | DateWindow | undefined;

/** Fixed SQL for the ordering operators: the operator text is never taken from the request. */
const ORDERING_SQL = { '>': '>', '>=': '>=', '<': '<', '<=': '<=' } as const;

type Ordering = keyof typeof ORDERING_SQL;

/** JSON types a scalar list value (string or number) can equal. */
const SCALAR_TYPES = `'text', 'integer', 'real'`;

export function matches(field: Field, operator: PositiveOperator, value: RuleValue, now: Date): Sql {
  switch (operator) {
    case '=':
      return equals(field, value, now);
    case '>':
    case '>=':
    case '<':
    case '<=':
      return compare(field, operator, value as number | string);
    case 'contains':
      return contains(field, value as string);
    case 'beginsWith':
      return beginsWith(field, value as string);
    case 'endsWith':
      return endsWith(field, value as string);
    case 'containsAny':
      return containsAny(field, value as ListValue);
    case 'in':
      return inList(field, value as ListValue);
    case 'isEmpty':
      return isEmpty(field);
    case 'between':
      return inRange(field, rangeOf(value as DateWindow, now));
  }
}

function equals(field: Field, value: RuleValue, now: Date): Sql {
  if (value === null || value === undefined) return isNull(field);
  if (Array.isArray(value)) return equalsArray(field, value);
  if (typeof value === 'object') return inRange(field, rangeOf(value, now));
  if (typeof value === 'boolean') return field.kind === 'json' ? sql`${jsonTypeOf(field)} = ${String(value)}` : FALSE;
  if (typeof value === 'number')
    return field.kind === 'json' ? ofType(field, sql`${valueOf(field)} = ${value}`, `'integer', 'real'`) : FALSE;
  if (isDateTime(value)) return compareInstant(field, sql`= ${toInstant(value)}`);
  return ofType(field, sql`${valueOf(field)} = ${value}`, `'text'`);
}

function isNull(field: Field): Sql {
  return field.kind === 'json' ? sql`IFNULL(${jsonTypeOf(field)}, 'null') = 'null'` : sql`${field.value} IS NULL`;
}

/** `=` with an array: the same elements in the same order. */
function equalsArray(field: Field, value: readonly (string | number)[]): Sql {
  if (field.kind === 'column') return FALSE;
  return ofType(field, sql`${valueOf(field)} = json(${JSON.stringify(value)})`, `'array'`);
}

function compare(field: Field, operator: Ordering, value: number | string): Sql {
  const op = new Sql(ORDERING_SQL[operator]);
  if (typeof value === 'number') {
    return field.kind === 'json' ? ofType(field, sql`${valueOf(field)} ${op} ${value}`, `'integer', 'real'`) : FALSE;
  }
  if (isDateTime(value)) return compareInstant(field, sql`${op} ${toInstant(value)}`);
  return ofType(field, sql`${valueOf(field)} ${op} ${value}`, `'text'`);
}

/** Compares the field, read as an instant, with `comparison` (e.g. `> ?`); non-date text reads as NULL. */
function compareInstant(field: Field, comparison: Sql): Sql {
  if (field.kind === 'column' && field.canonicalInstants) return sql`${field.value} ${comparison}`;
  return ofType(field, sql`strftime(${CANONICAL_INSTANT}, ${valueOf(field)}) ${comparison}`, `'text'`);
}

function inRange(field: Field, range: InstantRange): Sql {
  return compareInstant(field, sql`BETWEEN ${range.from} AND ${range.to}`);
}

function rangeOf(window: DateWindow, now: Date): InstantRange {
  return 'preset' in window
    ? presetRange(window.preset, now)
    : { from: toInstant(window.from), to: toInstant(window.to) };
}

/** Substring of a string; element of an array. */
function contains(field: Field, needle: string): Sql {
  const substring = sql`instr(${valueOf(field)}, ${needle}) > 0`;
  if (field.kind === 'column') return substring;
  const type = jsonTypeOf(field);
  const member = someElement(field, sql`type = 'text' AND value = ${needle}`);
  // An array holding a printable-ASCII needle without quotes or backslashes has it verbatim in its JSON text (the
  // store writes JSON.stringify output, which escapes nothing else), so the substring test, true for both strings
  // and such arrays, screens out most rows before the type is looked up. Other needles take the exact path.
  if (/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(needle)) {
    return sql`(${substring} AND CASE ${type} WHEN 'text' THEN 1 WHEN 'array' THEN ${member} ELSE 0 END)`;
  }
  return sql`CASE ${type} WHEN 'text' THEN ${substring} WHEN 'array' THEN ${member} ELSE 0 END`;
}

function beginsWith(field: Field, prefix: string): Sql {
  if (prefix === '') return isText(field);
  return ofType(field, sql`substr(${valueOf(field)}, 1, ${codePoints(prefix)}) = ${prefix}`, `'text'`);
}

function endsWith(field: Field, suffix: string): Sql {
  if (suffix === '') return isText(field);
  return ofType(field, sql`substr(${valueOf(field)}, ${-codePoints(suffix)}) = ${suffix}`, `'text'`);
}

/** A string containing any of the values; an array holding any of them. */
function containsAny(field: Field, values: ListValue): Sql {
  if (values.length === 0) return FALSE;
  const substrings = sql`EXISTS (SELECT 1 FROM (${list(values)}) WHERE instr(${valueOf(field)}, value) > 0)`;
  if (field.kind === 'column') return substrings;
  const member = someElement(field, sql`type IN (${new Sql(SCALAR_TYPES)}) AND value IN (${list(values)})`);
  return sql`CASE ${jsonTypeOf(field)} WHEN 'text' THEN ${substrings} WHEN 'array' THEN ${member} ELSE 0 END`;
}

/** A scalar equal to one of the values; an array holding any of them (Port: `$team in [...]`). */
function inList(field: Field, values: ListValue): Sql {
  if (values.length === 0) return FALSE;
  const oneOf = sql`${valueOf(field)} IN (${list(values)})`;
  if (field.kind === 'column') return oneOf;
  const type = jsonTypeOf(field);
  const member = someElement(field, sql`type IN (${new Sql(SCALAR_TYPES)}) AND value IN (${list(values)})`);
  return sql`CASE WHEN ${type} IN (${new Sql(SCALAR_TYPES)}) THEN ${oneOf} WHEN ${type} = 'array' THEN ${member} ELSE 0 END`;
}

/** Missing, null, "", [] or {}; `->` renders the value as JSON, so one lookup tells all five apart. */
function isEmpty(field: Field): Sql {
  if (field.kind === 'column') return sql`IFNULL(${field.value}, '') = ''`;
  return sql`IFNULL(${field.document} -> ${field.path}, 'null') IN ('null', '""', '[]', '{}')`;
}

function isText(field: Field): Sql {
  return field.kind === 'json' ? sql`${jsonTypeOf(field)} = 'text'` : sql`${field.value} IS NOT NULL`;
}

/** `predicate`, and for a JSON field also that the value has one of `types` (fixed SQL, e.g. `'text'`). */
function ofType(field: Field, predicate: Sql, types: string): Sql {
  if (field.kind === 'column') return predicate;
  return sql`(${predicate} AND ${jsonTypeOf(field)} IN (${new Sql(types)}))`;
}

/** SQLite's substr and length count characters (code points), not UTF-16 units. */
function codePoints(text: string): number {
  return [...text].length;
}
