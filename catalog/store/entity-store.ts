import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Entity, RelationValue } from '../model.ts';
import { refreshPlannerStatistics, STATISTICS_REFRESH_WRITES } from './property-indexes.ts';
import { propertyPathLiteral } from './property-path.ts';

type EntityRow = {
  blueprint: string;
  identifier: string;
  title: string | null;
  icon: string | null;
  team: string;
  properties: string;
  relations: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
};

/** An edge of the relation graph: (blueprint, identifier) points at (targetBlueprint, targetIdentifier). */
export interface RelationEdge {
  blueprint: string;
  identifier: string;
  relation: string;
  targetBlueprint: string;
  targetIdentifier: string;
}

const ENTITY_COLUMNS = `e.blueprint, e.identifier, e.title, e.icon, e.team, json(e.properties) AS properties,
  e.relations, e.created_at, e.created_by, e.updated_at, e.updated_by`;

export type SortOrder = 'asc' | 'desc';

/** What a page is sorted by: a property key of the blueprint, or one of SORTABLE_META_COLUMNS. */
export interface EntitySort {
  property: string;
  order: SortOrder;
}

/** Meta properties a page may be sorted by, and their columns. Fixed SQL text: never built from request data. */
export const SORTABLE_META_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['$identifier', 'e.identifier'],
  ['$title', 'e.title'],
  ['$createdAt', 'e.created_at'],
  ['$updatedAt', 'e.updated_at'],
]);

/**
 * The ORDER BY of a sorted page: the value, then the identifier as the tie-break, both in `order` so that the
 * property's index (blueprint, value, identifier) is read in one direction. A property is read with its path as a
 * literal, the expression of its index. SQLite's order: missing values first, then numbers, then strings.
 */
function orderByOf(sort: EntitySort, useIndex = true): string {
  const column =
    SORTABLE_META_COLUMNS.get(sort.property) ?? `json_extract(e.properties, ${propertyPathLiteral(sort.property)})`;
  const direction = sort.order === 'desc' ? 'DESC' : 'ASC';
  // SQLite's unary + changes no value but keeps the planner from reading an index for the order.
  const [value, identifier] = useIndex ? [column, 'e.identifier'] : [`+${column}`, '+e.identifier'];
  return column === 'e.identifier' ? `${identifier} ${direction}` : `${value} ${direction}, ${identifier} ${direction}`;
}

/**
 * A search: entities matching a compiled condition over alias `e`, in (blueprint, identifier) order, starting after
 * `after` (keyset paging keeps deep pages as cheap as the first); or, with `sort`, in that order, skipping `offset`.
 */
export interface EntitySearch {
  where: string;
  params: SQLInputValue[];
  blueprint?: string;
  after?: { blueprint: string; identifier: string };
  sort?: EntitySort;
  limit?: number;
  offset?: number;
  /**
   * How a sorted search of one blueprint reads (entity-page.ts chooses): `ordered`, along the sort's index until the
   * page is full (the planner's choice; quick when matches are many); `first` with `readAtMost`, only that many
   * entities in sort order, then the condition (bounded; a page only when enough of them match); `filtered`, every
   * entity through the condition, then the matches sorted (quick when they are few).
   */
  strategy?: { read: 'ordered' } | { read: 'first'; readAtMost: number } | { read: 'filtered' };
}

/** The SELECT of a search; apart from running it, for tests that ask SQLite how it would (EXPLAIN QUERY PLAN). */
export function entitySearchSql(options: EntitySearch): { sql: string; params: SQLInputValue[] } {
  const conditions = [`(${options.where})`];
  const params: SQLInputValue[] = [...options.params];
  if (options.blueprint !== undefined) {
    conditions.push('e.blueprint = ?');
    params.push(options.blueprint);
  }
  if (options.after) {
    conditions.push('(e.blueprint, e.identifier) > (?, ?)');
    params.push(options.after.blueprint, options.after.identifier);
  }
  const strategy = options.strategy?.read ?? 'ordered';
  const orderBy = options.sort ? orderByOf(options.sort, strategy !== 'filtered') : 'e.blueprint, e.identifier';
  let sql = `SELECT ${ENTITY_COLUMNS} FROM entities e WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy}`;
  if (options.strategy?.read === 'first' && options.sort && options.blueprint !== undefined && !options.after) {
    // The inner LIMIT keeps SQLite from merging the two (its flattening rules): the condition runs on those rows only.
    const first = `SELECT * FROM entities e WHERE e.blueprint = ? ORDER BY ${orderBy} LIMIT ?`;
    sql = `SELECT ${ENTITY_COLUMNS} FROM (${first}) e WHERE (${options.where}) ORDER BY ${orderBy}`;
    params.splice(0, params.length, options.blueprint, options.strategy.readAtMost, ...options.params);
  }
  if (options.limit !== undefined || options.offset !== undefined) {
    sql += ' LIMIT ? OFFSET ?';
    params.push(options.limit ?? -1, options.offset ?? 0);
  }
  return { sql, params };
}

export function entityFromRow(row: EntityRow): Entity {
  const entity: Entity = {
    identifier: row.identifier,
    title: row.title,
    blueprint: row.blueprint,
    team: JSON.parse(row.team) as string[],
    properties: JSON.parse(row.properties) as Record<string, unknown>,
    relations: JSON.parse(row.relations) as Record<string, RelationValue>,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
  if (row.icon !== null) entity.icon = row.icon;
  return entity;
}

/** For EntityStore.save: the entity keeps the datasource it has. */
export const KEEP_DATASOURCE = Symbol('keep datasource');

/** Entity rows and their relation edges. Callers own the transaction. */
export class EntityStore {
  private readonly db: DatabaseSync;
  private readonly getStatement: StatementSync;
  private readonly existsStatement: StatementSync;
  private readonly upsertStatement: StatementSync;
  private readonly deleteStatement: StatementSync;
  private readonly deleteEdgesStatement: StatementSync;
  private readonly insertEdgeStatement: StatementSync;
  private readonly edgesToStatement: StatementSync;
  private readonly countStatement: StatementSync;
  private readonly identifiersStatement: StatementSync;
  private writesSinceStatistics = 0;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.getStatement = db.prepare(
      `SELECT ${ENTITY_COLUMNS} FROM entities e WHERE e.blueprint = ? AND e.identifier = ?`,
    );
    this.existsStatement = db.prepare('SELECT 1 AS found FROM entities WHERE blueprint = ? AND identifier = ?');
    this.upsertStatement = db.prepare(`
      INSERT INTO entities (blueprint, identifier, title, icon, team, properties, relations,
        created_at, created_by, updated_at, updated_by, datasource)
      VALUES (?, ?, ?, ?, ?, jsonb(?), ?, ?, ?, ?, ?, ?)
      ON CONFLICT (blueprint, identifier) DO UPDATE SET title = excluded.title, icon = excluded.icon,
        team = excluded.team, properties = excluded.properties, relations = excluded.relations,
        updated_at = excluded.updated_at, updated_by = excluded.updated_by,
        datasource = CASE WHEN ? THEN entities.datasource ELSE excluded.datasource END`);
    this.deleteStatement = db.prepare('DELETE FROM entities WHERE blueprint = ? AND identifier = ?');
    this.deleteEdgesStatement = db.prepare('DELETE FROM entity_relations WHERE blueprint = ? AND identifier = ?');
    this.insertEdgeStatement = db.prepare(`
      INSERT OR IGNORE INTO entity_relations (blueprint, identifier, relation, target_blueprint, target_identifier)
      VALUES (?, ?, ?, ?, ?)`);
    this.edgesToStatement = db.prepare(`
      SELECT blueprint, identifier, relation, target_blueprint AS targetBlueprint,
        target_identifier AS targetIdentifier
      FROM entity_relations WHERE target_blueprint = ? AND target_identifier = ?`);
    this.countStatement = db.prepare('SELECT count(*) AS n FROM entities WHERE blueprint = ?');
    this.identifiersStatement = db.prepare('SELECT identifier FROM entities WHERE blueprint = ? ORDER BY identifier');
  }

  get(blueprint: string, identifier: string): Entity | undefined {
    const row = this.getStatement.get(blueprint, identifier) as EntityRow | undefined;
    return row ? entityFromRow(row) : undefined;
  }

  exists(blueprint: string, identifier: string): boolean {
    return this.existsStatement.get(blueprint, identifier) !== undefined;
  }

  /** The identifiers of every entity of the blueprint, in order. */
  identifiers(blueprint: string): string[] {
    return (this.identifiersStatement.all(blueprint) as { identifier: string }[]).map((row) => row.identifier);
  }

  count(blueprint: string): number {
    return (this.countStatement.get(blueprint) as { n: number }).n;
  }

  /**
   * Writes the entity row and replaces its outgoing edges. `targets` maps each relation id to its target
   * blueprint, so edges can be stored without the blueprint at hand. `datasource` is the writer's (null for a
   * writer that is not an integration); KEEP_DATASOURCE leaves an existing entity's as it was (a change the writer
   * did not ask for, such as a relation cleared by a delete).
   */
  save(entity: Entity, targets: Record<string, string>, datasource: string | null | typeof KEEP_DATASOURCE): void {
    this.upsertStatement.run(
      entity.blueprint,
      entity.identifier,
      entity.title,
      entity.icon ?? null,
      JSON.stringify(entity.team),
      JSON.stringify(entity.properties),
      JSON.stringify(entity.relations),
      entity.createdAt,
      entity.createdBy,
      entity.updatedAt,
      entity.updatedBy,
      datasource === KEEP_DATASOURCE ? null : datasource,
      datasource === KEEP_DATASOURCE ? 1 : 0,
    );
    this.deleteEdgesStatement.run(entity.blueprint, entity.identifier);
    for (const [relation, value] of Object.entries(entity.relations)) {
      const target = targets[relation];
      if (target === undefined || value === null) continue;
      for (const targetIdentifier of Array.isArray(value) ? value : [value]) {
        this.insertEdgeStatement.run(entity.blueprint, entity.identifier, relation, target, targetIdentifier);
      }
    }
    if (++this.writesSinceStatistics >= STATISTICS_REFRESH_WRITES) {
      this.writesSinceStatistics = 0;
      refreshPlannerStatistics(this.db);
    }
  }

  delete(blueprint: string, identifier: string): void {
    this.deleteStatement.run(blueprint, identifier);
    this.deleteEdgesStatement.run(blueprint, identifier);
  }

  /** Edges from other entities that point at (blueprint, identifier). */
  edgesTo(blueprint: string, identifier: string): RelationEdge[] {
    return this.edgesToStatement.all(blueprint, identifier) as unknown as RelationEdge[];
  }

  /** Entities matching a compiled search condition over alias `e`: see EntitySearch. */
  search(options: EntitySearch): Entity[] {
    const { sql, params } = entitySearchSql(options);
    return (this.db.prepare(sql).all(...params) as EntityRow[]).map(entityFromRow);
  }
}
