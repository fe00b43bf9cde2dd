import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Entity, RelationValue } from '../model.ts';

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

  constructor(db: DatabaseSync) {
    this.db = db;
    this.getStatement = db.prepare(
      `SELECT ${ENTITY_COLUMNS} FROM entities e WHERE e.blueprint = ? AND e.identifier = ?`,
    );
    this.existsStatement = db.prepare('SELECT 1 AS found FROM entities WHERE blueprint = ? AND identifier = ?');
    this.upsertStatement = db.prepare(`
      INSERT INTO entities (blueprint, identifier, title, icon, team, properties, relations,
        created_at, created_by, updated_at, updated_by)
      VALUES (?, ?, ?, ?, ?, jsonb(?), ?, ?, ?, ?, ?)
      ON CONFLICT (blueprint, identifier) DO UPDATE SET title = excluded.title, icon = excluded.icon,
        team = excluded.team, properties = excluded.properties, relations = excluded.relations,
        updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
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
  }

  get(blueprint: string, identifier: string): Entity | undefined {
    const row = this.getStatement.get(blueprint, identifier) as EntityRow | undefined;
    return row ? entityFromRow(row) : undefined;
  }

  exists(blueprint: string, identifier: string): boolean {
    return this.existsStatement.get(blueprint, identifier) !== undefined;
  }

  count(blueprint: string): number {
    return (this.countStatement.get(blueprint) as { n: number }).n;
  }

  /**
   * Writes the entity row and replaces its outgoing edges. `targets` maps each relation id to its target
   * blueprint, so edges can be stored without the blueprint at hand.
   */
  save(entity: Entity, targets: Record<string, string>): void {
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
    );
    this.deleteEdgesStatement.run(entity.blueprint, entity.identifier);
    for (const [relation, value] of Object.entries(entity.relations)) {
      const target = targets[relation];
      if (target === undefined || value === null) continue;
      for (const targetIdentifier of Array.isArray(value) ? value : [value]) {
        this.insertEdgeStatement.run(entity.blueprint, entity.identifier, relation, target, targetIdentifier);
      }
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

  /**
   * Entities matching a compiled search condition over alias `e`, in (blueprint, identifier) order, starting
   * after `after` (keyset paging keeps deep pages as cheap as the first).
   */
  search(options: {
    where: string;
    params: SQLInputValue[];
    blueprint?: string;
    after?: { blueprint: string; identifier: string };
    limit?: number;
  }): Entity[] {
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
    let sql = `SELECT ${ENTITY_COLUMNS} FROM entities e WHERE ${conditions.join(' AND ')}
      ORDER BY e.blueprint, e.identifier`;
    if (options.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(options.limit);
    }
    return (this.db.prepare(sql).all(...params) as EntityRow[]).map(entityFromRow);
  }
}
