import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Blueprint } from '../model.ts';
import { syncPropertyIndexes } from './property-indexes.ts';

type BlueprintRow = {
  identifier: string;
  data: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
};

/**
 * Blueprint rows. Blueprints are read on every entity write, so they are kept in memory after the first read. Each
 * change also brings the indexes of the properties searches compare up to date (property-indexes.ts).
 */
export class BlueprintStore {
  private readonly db: DatabaseSync;
  private readonly cache = new Map<string, Blueprint>();
  private loaded = false;
  private readonly upsertStatement: StatementSync;
  private readonly deleteStatement: StatementSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.upsertStatement = db.prepare(`
      INSERT INTO blueprints (identifier, data, created_at, created_by, updated_at, updated_by)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (identifier) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at,
        updated_by = excluded.updated_by`);
    this.deleteStatement = db.prepare('DELETE FROM blueprints WHERE identifier = ?');
  }

  get(identifier: string): Blueprint | undefined {
    this.load();
    return this.cache.get(identifier);
  }

  has(identifier: string): boolean {
    return this.get(identifier) !== undefined;
  }

  list(): Blueprint[] {
    this.load();
    return [...this.cache.values()].sort((a, b) => a.identifier.localeCompare(b.identifier));
  }

  save(blueprint: Blueprint): void {
    const { createdAt, createdBy, updatedAt, updatedBy, ...definition } = blueprint;
    this.upsertStatement.run(
      blueprint.identifier,
      JSON.stringify(definition),
      createdAt,
      createdBy,
      updatedAt,
      updatedBy,
    );
    this.cache.set(blueprint.identifier, blueprint);
    syncPropertyIndexes(this.db, this.list());
  }

  delete(identifier: string): void {
    this.deleteStatement.run(identifier);
    this.cache.delete(identifier);
    syncPropertyIndexes(this.db, this.list());
  }

  /** Relations of other blueprints whose target is `identifier`. */
  relationsTargeting(identifier: string): { blueprint: string; relation: string }[] {
    return this.list().flatMap((blueprint) =>
      Object.entries(blueprint.relations)
        .filter(([, relation]) => relation.target === identifier && blueprint.identifier !== identifier)
        .map(([relation]) => ({ blueprint: blueprint.identifier, relation })),
    );
  }

  /** Forget the in-memory copy, after a rolled-back transaction may have left it ahead of the database. */
  invalidate(): void {
    this.cache.clear();
    this.loaded = false;
  }

  private load(): void {
    if (this.loaded) return;
    const rows = this.db.prepare('SELECT * FROM blueprints').all() as BlueprintRow[];
    for (const row of rows) {
      this.cache.set(row.identifier, {
        ...(JSON.parse(row.data) as Omit<Blueprint, 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'>),
        createdAt: row.created_at,
        createdBy: row.created_by,
        updatedAt: row.updated_at,
        updatedBy: row.updated_by,
      });
    }
    this.loaded = true;
  }
}
