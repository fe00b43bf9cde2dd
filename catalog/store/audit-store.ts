import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { StatementCache, whereOf } from './where.ts';

export type AuditAction = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AuditEntry {
  at: string;
  actor: string;
  resourceType: 'entity' | 'blueprint' | 'action' | 'run';
  action: AuditAction;
  blueprint: string | null;
  identifier: string;
  runId?: string | undefined;
}

/** The audit record as `GET /v1/audit-log` answers it, in the shape of the vendor's audit log. */
export interface AuditRecord {
  id: string;
  identifier: string;
  resourceType: string;
  action: string;
  status: string;
  trigger: { at: string; by: { clientId: string }; origin: 'API' };
  context: { blueprint?: string; entity?: string; action?: string; runId?: string };
}

export interface AuditQuery {
  identifier?: string | undefined;
  blueprint?: string | undefined;
  runId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
}

type AuditRow = {
  id: number;
  at: string;
  actor: string;
  resource_type: string;
  action: string;
  blueprint: string | null;
  identifier: string;
  run_id: string | null;
  status: string;
};

/** The append-only record of every write. Written inside the write's own transaction. */
export class AuditStore {
  private readonly queries: StatementCache;
  private readonly insertStatement: StatementSync;

  constructor(db: DatabaseSync) {
    this.queries = new StatementCache(db);
    this.insertStatement = db.prepare(`
      INSERT INTO audit_log (at, actor, resource_type, action, blueprint, identifier, run_id, status)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'SUCCESS')`);
  }

  record(entry: AuditEntry): void {
    this.insertStatement.run(
      entry.at,
      entry.actor,
      entry.resourceType,
      entry.action,
      entry.blueprint,
      entry.identifier,
      entry.runId ?? null,
    );
  }

  /** Newest first. */
  query(query: AuditQuery): AuditRecord[] {
    const { where, params } = whereOf([
      ['identifier = ?', query.identifier],
      ['blueprint = ?', query.blueprint],
      ['run_id = ?', query.runId],
      ['at >= ?', query.from],
      ['at <= ?', query.to],
    ]);
    const rows = this.queries
      .get(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`)
      .all(...params, query.limit) as AuditRow[];
    return rows.map(auditRecordFromRow);
  }
}

function auditRecordFromRow(row: AuditRow): AuditRecord {
  const context: AuditRecord['context'] = {};
  if (row.blueprint !== null) context.blueprint = row.blueprint;
  if (row.resource_type === 'entity') context.entity = row.identifier;
  if (row.resource_type === 'action') context.action = row.identifier;
  if (row.run_id !== null) context.runId = row.run_id;
  return {
    id: String(row.id),
    identifier: row.identifier,
    resourceType: row.resource_type,
    action: row.action,
    status: row.status,
    trigger: { at: row.at, by: { clientId: row.actor }, origin: 'API' },
    context,
  };
}
