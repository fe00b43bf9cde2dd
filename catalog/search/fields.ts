import { propertyPathLiteral } from '../store/index.ts';
import { Sql, sql } from './sql.ts';

/**
 * What a rule's `property` reads, over the entity row `e`:
 * - `column`: a plain TEXT column (identifier, title, timestamps ...) or another text expression; always a string
 *   or NULL, so it needs no type checks and stays usable by indexes. `canonicalInstants` marks columns the server
 *   writes as `Date#toISOString` text, which compare as instants without normalizing each row.
 * - `json`: one value inside a JSON document (a property in the JSONB `properties`, or the `team` array), which may
 *   be of any JSON type; predicates look at its type at run time, so no blueprint lookup is needed. `path` is an
 *   SQL string literal, never a parameter: `json_extract(e.properties, '$."key"')` is then the expression of the
 *   property's index (catalog/store property-indexes), which the planner matches only on identical SQL text.
 */
export type Field =
  { kind: 'column'; value: Sql; canonicalInstants?: boolean } | { kind: 'json'; document: Sql; path: Sql };

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
  ['$datasource', 'e.datasource'],
]);

export function fieldOf(property: string): Field {
  if (property === '$team') return { kind: 'json', document: sql`e.team`, path: new Sql(`'$'`) };
  const column = META_COLUMNS.get(property);
  if (column) return { kind: 'column', value: new Sql(column), canonicalInstants: TIMESTAMP_COLUMNS.has(property) };
  return { kind: 'json', document: sql`e.properties`, path: new Sql(propertyPathLiteral(property)) };
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
