import { DatabaseSync } from 'node:sqlite';
import { compileSearchQuery, parseSearchQuery } from '../../../catalog/search/index.ts';
import { migrateCatalog } from '../../../catalog/store/index.ts';

export interface EntitySeed {
  blueprint?: string;
  identifier: string;
  title?: string | null;
  icon?: string | null;
  team?: string[];
  properties?: Record<string, unknown>;
  /** relation id -> target blueprint and the target identifier(s); written to `relations` and `entity_relations`. */
  relations?: Record<string, { blueprint: string; value: string | string[] | null }>;
  createdAt?: string;
  updatedAt?: string;
}

export function openCatalog(): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  migrateCatalog(db);
  return db;
}

export function insertEntities(db: DatabaseSync, seeds: readonly EntitySeed[]): void {
  const insertEntity = db.prepare(`
    INSERT INTO entities (blueprint, identifier, title, icon, team, properties, relations, created_at, created_by,
      updated_at, updated_by)
    VALUES (?, ?, ?, ?, ?, jsonb(?), ?, ?, 'test', ?, 'test')`);
  const insertEdge = db.prepare(`
    INSERT INTO entity_relations (blueprint, identifier, relation, target_blueprint, target_identifier)
    VALUES (?, ?, ?, ?, ?)`);
  for (const seed of seeds) {
    const blueprint = seed.blueprint ?? 'service';
    const relations = Object.fromEntries(Object.entries(seed.relations ?? {}).map(([id, { value }]) => [id, value]));
    const createdAt = seed.createdAt ?? '2026-01-01T00:00:00.000Z';
    insertEntity.run(
      blueprint,
      seed.identifier,
      seed.title ?? null,
      seed.icon ?? null,
      JSON.stringify(seed.team ?? []),
      JSON.stringify(seed.properties ?? {}),
      JSON.stringify(relations),
      createdAt,
      seed.updatedAt ?? createdAt,
    );
    for (const [relation, target] of Object.entries(seed.relations ?? {})) {
      const identifiers = target.value === null ? [] : typeof target.value === 'string' ? [target.value] : target.value;
      for (const identifier of identifiers) {
        insertEdge.run(blueprint, seed.identifier, relation, target.blueprint, identifier);
      }
    }
  }
}

/** Blueprint rows as the blueprint store writes them: the definition as JSON in `data`. */
export function insertBlueprints(
  db: DatabaseSync,
  blueprints: Record<string, Record<string, { target: string; required: boolean; many: boolean }>>,
): void {
  const insert = db.prepare(`
    INSERT INTO blueprints (identifier, data, created_at, created_by, updated_at, updated_by)
    VALUES (?, ?, '2026-01-01T00:00:00.000Z', 'test', '2026-01-01T00:00:00.000Z', 'test')`);
  for (const [identifier, relations] of Object.entries(blueprints)) {
    insert.run(
      identifier,
      JSON.stringify({ identifier, title: identifier, schema: { properties: {}, required: [] }, relations }),
    );
  }
}

/** Identifiers of the entities a query body matches, sorted, going through parse and compile like the API does. */
export function search(db: DatabaseSync, body: unknown, now?: Date): string[] {
  const { where, params } = compileSearchQuery(parseSearchQuery(body), now ? { now } : {});
  const rows = db.prepare(`SELECT e.identifier FROM entities e WHERE ${where} ORDER BY e.identifier`).all(...params);
  return rows.map((row) => row.identifier as string);
}

/** A query with one rule. */
export function rule(single: Record<string, unknown>): unknown {
  return { combinator: 'and', rules: [single] };
}
