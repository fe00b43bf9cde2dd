import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** An integration as stored: what it registered, its resync state, and who wrote it when. */
export interface StoredIntegration {
  identifier: string;
  data: Record<string, unknown>;
  resyncState: Record<string, unknown> | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

type IntegrationRow = {
  identifier: string;
  data: string;
  resync_state: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
};

/** Log records kept per integration; the oldest go first. Enough for the last resyncs of a busy integration. */
export const MAX_LOGS_PER_INTEGRATION = 10_000;

/** Integrations, their logs and their kinds' examples. Callers own the transaction. */
export class IntegrationStore {
  private readonly getStatement: StatementSync;
  private readonly upsertStatement: StatementSync;
  private readonly deleteStatement: StatementSync;
  private readonly insertLogStatement: StatementSync;
  private readonly trimLogsStatement: StatementSync;
  private readonly logsStatement: StatementSync;
  private readonly deleteLogsStatement: StatementSync;
  private readonly saveExamplesStatement: StatementSync;
  private readonly examplesStatement: StatementSync;
  private readonly deleteExamplesStatement: StatementSync;

  constructor(db: DatabaseSync) {
    this.getStatement = db.prepare('SELECT * FROM integrations WHERE identifier = ?');
    this.upsertStatement = db.prepare(`
      INSERT INTO integrations (identifier, data, resync_state, created_at, created_by, updated_at, updated_by)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (identifier) DO UPDATE SET data = excluded.data, resync_state = excluded.resync_state,
        updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
    this.deleteStatement = db.prepare('DELETE FROM integrations WHERE identifier = ?');
    this.insertLogStatement = db.prepare(
      'INSERT INTO integration_logs (integration, received_at, record) VALUES (?, ?, ?)',
    );
    // Everything but the newest MAX_LOGS_PER_INTEGRATION, read from the (integration, id) index.
    this.trimLogsStatement = db.prepare(`
      DELETE FROM integration_logs WHERE integration = ? AND id <= (
        SELECT id FROM integration_logs WHERE integration = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`);
    this.logsStatement = db.prepare(
      'SELECT record FROM integration_logs WHERE integration = ? ORDER BY id DESC LIMIT ?',
    );
    this.deleteLogsStatement = db.prepare('DELETE FROM integration_logs WHERE integration = ?');
    this.saveExamplesStatement = db.prepare(`
      INSERT INTO integration_kind_examples (integration, kind, examples, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (integration, kind) DO UPDATE SET examples = excluded.examples, updated_at = excluded.updated_at`);
    this.examplesStatement = db.prepare(
      'SELECT examples FROM integration_kind_examples WHERE integration = ? AND kind = ?',
    );
    this.deleteExamplesStatement = db.prepare('DELETE FROM integration_kind_examples WHERE integration = ?');
  }

  get(identifier: string): StoredIntegration | undefined {
    const row = this.getStatement.get(identifier) as IntegrationRow | undefined;
    if (!row) return undefined;
    return {
      identifier: row.identifier,
      data: JSON.parse(row.data) as Record<string, unknown>,
      resyncState: row.resync_state === null ? null : (JSON.parse(row.resync_state) as Record<string, unknown>),
      createdAt: row.created_at,
      createdBy: row.created_by,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }

  save(integration: StoredIntegration): void {
    this.upsertStatement.run(
      integration.identifier,
      JSON.stringify(integration.data),
      integration.resyncState === null ? null : JSON.stringify(integration.resyncState),
      integration.createdAt,
      integration.createdBy,
      integration.updatedAt,
      integration.updatedBy,
    );
  }

  /** The integration, its logs and its examples. */
  delete(identifier: string): void {
    this.deleteStatement.run(identifier);
    this.deleteLogsStatement.run(identifier);
    this.deleteExamplesStatement.run(identifier);
  }

  addLogs(identifier: string, records: readonly unknown[], receivedAt: string): void {
    for (const record of records) this.insertLogStatement.run(identifier, receivedAt, JSON.stringify(record));
    this.trimLogsStatement.run(identifier, identifier, MAX_LOGS_PER_INTEGRATION);
  }

  /** The newest `limit` log records, newest first. */
  logs(identifier: string, limit: number): unknown[] {
    return (this.logsStatement.all(identifier, limit) as { record: string }[]).map(
      (row) => JSON.parse(row.record) as unknown,
    );
  }

  saveExamples(identifier: string, kind: string, examples: readonly unknown[], at: string): void {
    this.saveExamplesStatement.run(identifier, kind, JSON.stringify(examples), at);
  }

  examples(identifier: string, kind: string): unknown[] | undefined {
    const row = this.examplesStatement.get(identifier, kind) as { examples: string } | undefined;
    return row ? (JSON.parse(row.examples) as unknown[]) : undefined;
  }
}
