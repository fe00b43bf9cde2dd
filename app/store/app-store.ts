import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { OutboxStore } from '../../src/outbox/index.ts';
import { CommitBatcher, inOneTransaction, inTransaction, openDatabase } from '../../src/sqlite/index.ts';
import { migrations } from './migrations.ts';

export const APP_DATABASE_FILE = 'app.sqlite';

export type InvocationState = 'received' | 'dispatching' | 'dispatched' | 'failed';

export interface LinkedRun {
  externalRunId: string;
  portRunId: string;
  installationId: number;
  owner: string;
  repo: string;
  workflowRunId: number;
  reportStatus: boolean;
  reported: boolean;
}

type LinkedRow = {
  external_run_id: string;
  port_run_id: string;
  installation_id: number;
  owner: string;
  repo: string;
  workflow_run_id: number;
  report_status: number;
  reported: number;
};

const linkedFromRow = (row: LinkedRow): LinkedRun => ({
  externalRunId: row.external_run_id,
  portRunId: row.port_run_id,
  installationId: row.installation_id,
  owner: row.owner,
  repo: row.repo,
  workflowRunId: row.workflow_run_id,
  reportStatus: row.report_status === 1,
  reported: row.reported === 1,
});

/** What the App must remember across restarts, in one SQLite database. */
export class AppStore {
  readonly db: DatabaseSync;
  readonly outbox: OutboxStore;
  private readonly statements: Record<string, StatementSync>;
  private lastPurge = 0;
  private readonly batcher = new CommitBatcher((works) => inOneTransaction(this.db, works));

  constructor(dataDir: string) {
    this.db = openDatabase(join(dataDir, APP_DATABASE_FILE), migrations);
    this.outbox = new OutboxStore(this.db);
    const prepare = (sql: string) => this.db.prepare(sql);
    this.statements = {
      insertInvocation: prepare(`INSERT OR IGNORE INTO invocations (run_id, payload, state, received_at, updated_at)
        VALUES (?, ?, 'received', ?, ?)`),
      setInvocationState: prepare('UPDATE invocations SET state = ?, updated_at = ? WHERE run_id = ?'),
      invocationsIn: prepare(
        'SELECT run_id AS runId, payload, state, received_at AS receivedAt FROM invocations WHERE state = ? ORDER BY received_at',
      ),
      upsertLink: prepare(`INSERT INTO linked_runs (external_run_id, port_run_id, installation_id, owner, repo,
          workflow_run_id, report_status, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (external_run_id) DO UPDATE SET port_run_id = excluded.port_run_id,
          report_status = excluded.report_status`),
      linkByExternal: prepare('SELECT * FROM linked_runs WHERE external_run_id = ?'),
      openLinks: prepare('SELECT * FROM linked_runs WHERE reported = 0 ORDER BY linked_at LIMIT ?'),
      markReported: prepare('UPDATE linked_runs SET reported = 1 WHERE external_run_id = ? AND reported = 0'),
      claimOnce: prepare('INSERT OR IGNORE INTO once_keys (key, expires_at) VALUES (?, ?)'),
      releaseOnce: prepare('DELETE FROM once_keys WHERE key = ?'),
      purgeOnce: prepare('DELETE FROM once_keys WHERE expires_at <= ?'),
    };
  }

  /** Records an invocation; false when this run was already received (a repeated delivery). */
  receiveInvocation(runId: string, payload: unknown, now: number): boolean {
    return this.statements.insertInvocation!.run(runId, JSON.stringify(payload), now, now).changes === 1;
  }

  setInvocationState(runId: string, state: InvocationState, now: number): void {
    this.statements.setInvocationState!.run(state, now, runId);
  }

  invocationsIn(state: InvocationState): { runId: string; payload: unknown; receivedAt: number }[] {
    const rows = this.statements.invocationsIn!.all(state) as { runId: string; payload: string; receivedAt: number }[];
    return rows.map((row) => ({
      runId: row.runId,
      payload: JSON.parse(row.payload) as unknown,
      receivedAt: row.receivedAt,
    }));
  }

  link(run: LinkedRun, now: number): void {
    this.statements.upsertLink!.run(
      run.externalRunId,
      run.portRunId,
      run.installationId,
      run.owner,
      run.repo,
      run.workflowRunId,
      run.reportStatus ? 1 : 0,
      now,
    );
  }

  linkFor(externalRunId: string): LinkedRun | undefined {
    const row = this.statements.linkByExternal!.get(externalRunId) as LinkedRow | undefined;
    return row ? linkedFromRow(row) : undefined;
  }

  openLinks(limit: number): LinkedRun[] {
    return (this.statements.openLinks!.all(limit) as LinkedRow[]).map(linkedFromRow);
  }

  /** Marks a linked run reported; false when it was already (or is not linked): the report must not be made again. */
  markReported(externalRunId: string): boolean {
    return this.statements.markReported!.run(externalRunId).changes === 1;
  }

  /** Runs `work` in one transaction of the App's database: one commit for all it writes. */
  transaction<T>(work: () => T): T {
    return inTransaction(this.db, work);
  }

  /**
   * Runs `work` in a transaction shared with the others queued in this turn of the event loop, each in a savepoint
   * of its own: under a burst of webhooks one commit serves many events. Settles once committed.
   */
  transactionSoon<T>(work: () => T): Promise<T> {
    return this.batcher.run(work);
  }

  /** True the first time `key` is claimed while it lives; false for every repeat. */
  claimOnce(key: string, ttlMs: number, now: number): boolean {
    // Expired claims go now and then, not on every claim: claims are on the path of every webhook.
    if (now - this.lastPurge > 60_000) {
      this.statements.purgeOnce!.run(now);
      this.lastPurge = now;
    }
    return this.statements.claimOnce!.run(key, now + ttlMs).changes === 1;
  }

  /** Gives a claim back, when the work it guarded did not happen after all. */
  releaseOnce(key: string): void {
    this.statements.releaseOnce!.run(key);
  }

  close(): void {
    this.batcher.flush();
    this.db.close();
  }
}
