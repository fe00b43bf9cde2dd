import { Sql, sql } from './sql.ts';

/**
 * What a rule's `property` reads, over the entity row `e`:
 * - `column`: a plain TEXT column (identifier, title, timestamps ...) or another text expression; always a string
 *   or NULL, so it needs no type checks and stays usable by indexes. `canonicalInstants` marks columns the server
 *   writes as `Date#toISOString` text, which compare as instants without normalizing each row.
 * - `json`: one value inside a JSON document (a property in the JSONB `properties`, or the `team` array), which may
 *   be of any JSON type; predicates look at its type at run time, so no blueprint lookup is needed.
 */
export type Field =
  { kind: 'column'; value: Sql; canonicalInstants?: boolean } | { kind: 'json'; document: Sql; path: string };

const TIMESTAMP_COLUMNS = new Set(['$createdAt', '$updatedAt']);

/** Meta properties stored in their own columns. Fixed SQL text: never built from request data. */
const META_COLUMNS = new Map<string, string>([
  ['$identifier', 'e.identifier'],
  ['$title', 'e.title'],
  ['$icon', 'e.icon'],
  ['$blueprint', 'e.blueprint'],
  ['$createdAt', 'e.created_at'],
  ['$createdBy', 'e.created_by'],
  ['$updatedAt', 'e.updated_at'],
  ['$updatedBy', 'e.updated_by'],
]);

export function fieldOf(property: string): Field {
  if (property === '$team') return { kind: 'json', document: sql`e.team`, path: '$' };
  const column = META_COLUMNS.get(property);
  if (column) return { kind: 'column', value: new Sql(column), canonicalInstants: TIMESTAMP_COLUMNS.has(property) };
  return { kind: 'json', document: sql`e.properties`, path: propertyPath(property) };
}

/**
 * The JSON path of a top-level key: `$."key"` with the key JSON-escaped. SQLite reads JSON string escapes inside a
 * quoted path label, so any key (dots, quotes, brackets) addresses exactly itself; the path is bound as a parameter.
 */
export function propertyPath(key: string): string {
  return `$.${JSON.stringify(key)}`;
}

/** The field's value: text, a number (JSON booleans come out as 1/0), or JSON text for arrays and objects. */
export function valueOf(field: Field): Sql {
  return field.kind === 'column' ? field.value : sql`json_extract(${field.document}, ${field.path})`;
}

/** `json_type` of a JSON field: 'text', 'integer', 'real', 'true', 'false', 'null', 'array', 'object' or NULL. */
export function jsonTypeOf(field: Extract<Field, { kind: 'json' }>): Sql {
  return sql`json_type(${field.document}, ${field.path})`;
}

/** True when some element of the field's array satisfies `condition` (over json_each's `value` and `type`). */
export function someElement(field: Extract<Field, { kind: 'json' }>, condition: Sql): Sql {
  return sql`EXISTS (SELECT 1 FROM json_each(${field.document}, ${field.path}) WHERE ${condition})`;
}
