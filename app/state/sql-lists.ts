import type { Dialect } from '../../src/sql/index.ts';

/**
 * A list of ids sent as one parameter (`param`, a JSON array: `JSON.stringify(ids)`), for `id IN ${idList(...)}`:
 * one statement whatever the number of ids, so SQLite's statement cache and PostgreSQL's plans see one text.
 */
export function idList(dialect: Dialect, param: string): string {
  return dialect === 'postgres'
    ? `(SELECT value::bigint FROM jsonb_array_elements_text(${param}::jsonb))`
    : `(SELECT value FROM json_each(${param}))`;
}
