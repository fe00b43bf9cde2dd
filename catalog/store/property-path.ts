/**
 * The JSON path of a top-level property key: `$."key"` with the key JSON-escaped. SQLite reads JSON string escapes
 * inside a quoted path label, so any key (dots, quotes, brackets) addresses exactly itself.
 */
export function propertyPath(key: string): string {
  return `$.${JSON.stringify(key)}`;
}

/**
 * The path as an SQL string literal (single quotes doubled). Searches write it as a literal, not a parameter, so
 * that `json_extract(e.properties, '$."key"')` is the very expression of the property's index and the planner can
 * use it; JSON.stringify leaves no control character or NUL in it.
 */
export function propertyPathLiteral(key: string): string {
  return `'${propertyPath(key).replaceAll("'", "''")}'`;
}
