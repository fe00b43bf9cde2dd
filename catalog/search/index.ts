/**
 * Entity search: Port's query language (POST /v1/entities/search) validated and compiled to a SQLite condition over
 * the `entities` table aliased `e`.
 */
export { compileSearchQuery, type CompiledSearch, type CompileOptions } from './compile.ts';
export { parseSearchQuery } from './parse.ts';
export {
  searchQuerySchema,
  type PropertyRule,
  type RelatedToRule,
  type RelationRule,
  type SearchQuery,
  type SearchRule,
} from './schema.ts';
