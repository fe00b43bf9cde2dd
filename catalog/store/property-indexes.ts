import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { Blueprint, BlueprintProperty } from '../model.ts';
import { propertyPathLiteral } from './property-path.ts';

/**
 * Expression indexes on the entity properties that searches compare and sort: `(blueprint, json_extract(properties,
 * '$."key"'))`, one per property key, shared by every blueprint that has a property of that key (the blueprint
 * column keeps each blueprint's entries together). Without them an equality search or a sorted table page reads every
 * entity of the blueprint. Search SQL writes the same path as a literal, so the planner matches the index.
 *
 * A property gets its index the first time a search compares it (=, in, <, >...) or sorts by it, not when its
 * blueprint is made: every index costs every entity write, and most properties are never searched. The first such
 * search builds the index (reading the blueprint's entities once); every later one uses it.
 */

/** Index names start with this; anything else on `entities` is the migrations' and is never touched here. */
const INDEX_PREFIX = 'entities_property_';

/**
 * Every index is updated by every entity write, so their number is bounded: properties searched after this many
 * have indexes are searched without one.
 */
export const MAX_PROPERTY_INDEXES = 64;

/**
 * Formats whose values are long text or documents: compared by `contains` if at all, never by equality or order,
 * so an index on them would only cost writes.
 */
const UNINDEXED_FORMATS = new Set(['markdown', 'yaml', 'ipAddress']);

/** Scalar properties, compared by `=` and sorted on: strings (enums included), numbers, booleans. */
export function isIndexedProperty(property: BlueprintProperty): boolean {
  if (property.type === 'number' || property.type === 'boolean') return true;
  return property.type === 'string' && !UNINDEXED_FORMATS.has(property.format ?? '');
}

/**
 * The index name of a property key: a hash, since keys are the client's (any length, any character) while the name
 * must be a short, plain SQL identifier. 64 bits: a collision among a catalog's keys is not a concern.
 */
export function propertyIndexName(key: string): string {
  return INDEX_PREFIX + createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
}

/** The keys some blueprint has as a scalar property: those an index may be made for. */
function indexableKeys(blueprints: readonly Blueprint[]): Set<string> {
  const keys = new Set<string>();
  for (const blueprint of blueprints) {
    for (const [key, property] of Object.entries(blueprint.schema.properties)) {
      if (isIndexedProperty(property)) keys.add(key);
    }
  }
  return keys;
}

function existingIndexes(db: DatabaseSync): Set<string> {
  const rows = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'entities' AND name LIKE ?`)
    .all(`${INDEX_PREFIX}%`) as { name: string }[];
  return new Set(rows.map((row) => row.name));
}

/**
 * Drops the indexes of keys no blueprint has as a scalar property any more (a property removed, or made an array).
 * Inside the caller's transaction, so a blueprint change that rolls back takes its index changes with it.
 */
export function syncPropertyIndexes(db: DatabaseSync, blueprints: readonly Blueprint[]): void {
  const wanted = new Set([...indexableKeys(blueprints)].map(propertyIndexName));
  for (const name of existingIndexes(db)) {
    if (!wanted.has(name)) db.exec(`DROP INDEX "${name}"`);
  }
}

/**
 * Makes the index of each key a search compares or sorts by, when some blueprint has it as a scalar property and
 * fewer than MAX_PROPERTY_INDEXES exist. Answers whether it made any (the planner's statistics are then refreshed,
 * so that it uses them at once). When they all exist, as for every search but a property's first, this is one read
 * of sqlite_schema.
 */
export function indexSearchedProperties(
  db: DatabaseSync,
  blueprints: readonly Blueprint[],
  keys: readonly string[],
): boolean {
  if (keys.length === 0) return false;
  const existing = existingIndexes(db);
  const missing = keys.filter((key) => !existing.has(propertyIndexName(key)));
  if (missing.length === 0) return false;
  const indexable = indexableKeys(blueprints);
  let count = existing.size;
  let created = false;
  for (const key of new Set(missing)) {
    if (count >= MAX_PROPERTY_INDEXES) break;
    if (!indexable.has(key)) continue;
    // The name is hex from propertyIndexName; the key enters only as an escaped string literal.
    db.exec(
      `CREATE INDEX "${propertyIndexName(key)}" ON entities (blueprint, json_extract(properties, ${propertyPathLiteral(key)}))`,
    );
    count += 1;
    created = true;
  }
  if (created) refreshPlannerStatistics(db);
  return created;
}

/**
 * How many entity writes pass between two refreshes of the planner's statistics: the planner picks an index by how
 * many rows a value selects, which it only knows from ANALYZE.
 */
export const STATISTICS_REFRESH_WRITES = 2000;

/**
 * Lets SQLite re-ANALYZE the tables whose row count changed a lot since it last did (PRAGMA optimize), reading at
 * most a sample of each index so that it stays a few milliseconds on a large catalog. Without statistics, the planner
 * reads a blueprint's entities in key order rather than look a property value up in its index.
 */
export function refreshPlannerStatistics(db: DatabaseSync): void {
  db.exec('PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;');
}
