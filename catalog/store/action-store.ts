import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Action } from '../model.ts';

type ActionRow = {
  data: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
};

/** Self-service actions, stored as written. */
export class ActionStore {
  private readonly getStatement: StatementSync;
  private readonly listStatement: StatementSync;
  private readonly upsertStatement: StatementSync;
  private readonly deleteStatement: StatementSync;

  constructor(db: DatabaseSync) {
    this.getStatement = db.prepare('SELECT * FROM actions WHERE identifier = ?');
    this.listStatement = db.prepare('SELECT * FROM actions ORDER BY identifier');
    this.upsertStatement = db.prepare(`
      INSERT INTO actions (identifier, data, created_at, created_by, updated_at, updated_by)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (identifier) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at,
        updated_by = excluded.updated_by`);
    this.deleteStatement = db.prepare('DELETE FROM actions WHERE identifier = ?');
  }

  get(identifier: string): Action | undefined {
    const row = this.getStatement.get(identifier) as ActionRow | undefined;
    return row ? actionFromRow(row) : undefined;
  }

  list(): Action[] {
    return (this.listStatement.all() as ActionRow[]).map(actionFromRow);
  }

  save(action: Action): void {
    const { createdAt, createdBy, updatedAt, updatedBy, ...definition } = action;
    this.upsertStatement.run(action.identifier, JSON.stringify(definition), createdAt, createdBy, updatedAt, updatedBy);
  }

  delete(identifier: string): void {
    this.deleteStatement.run(identifier);
  }
}

function actionFromRow(row: ActionRow): Action {
  return {
    ...(JSON.parse(row.data) as Omit<Action, 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'>),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
