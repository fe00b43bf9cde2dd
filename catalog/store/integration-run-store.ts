import type { DatabaseSync, StatementSync } from 'node:sqlite';

export interface IntegrationRunState {
  runId: string;
  installationId: string;
  claims: number;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export interface ClaimRequest {
  installationId: string;
  limit: number;
  /** Epoch ms: runs visible from this moment on or earlier are claimable. */
  now: number;
  /** Epoch ms until which the claimed runs are hidden. */
  hiddenUntil: number;
  exclude: readonly string[];
}

type StateRow = {
  run_id: string;
  installation_id: string;
  claims: number;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
};

/**
 * The queue of INTEGRATION_ACTION runs waiting for their integration (migration 3). Callers own the transaction;
 * a claim must run in one, so that two pollers never take the same run.
 */
export class IntegrationRunStore {
  private readonly addStatement: StatementSync;
  private readonly claimStatement: StatementSync;
  private readonly getStatement: StatementSync;
  private readonly acknowledgeStatement: StatementSync;

  constructor(db: DatabaseSync) {
    // From the run's row, so run_seq is the order runs were created in. Added once: the outbox may render twice.
    this.addStatement = db.prepare(`
      INSERT OR IGNORE INTO integration_runs (run_id, run_seq, installation_id, visible_at)
      SELECT id, rowid, ?, 0 FROM runs WHERE id = ?`);
    this.claimStatement = db.prepare(`
      UPDATE integration_runs SET visible_at = ?, claims = claims + 1
      WHERE run_id IN (
        SELECT run_id FROM integration_runs
        WHERE installation_id = ? AND acknowledged_at IS NULL AND visible_at <= ?
          AND run_id NOT IN (SELECT value FROM json_each(?))
        ORDER BY run_seq
        LIMIT ?
      )
      RETURNING run_id, run_seq`);
    this.getStatement = db.prepare('SELECT * FROM integration_runs WHERE run_id = ?');
    this.acknowledgeStatement = db.prepare(
      'UPDATE integration_runs SET acknowledged_at = ?, acknowledged_by = ? WHERE run_id = ? AND acknowledged_at IS NULL',
    );
  }

  /** Makes a run claimable by its installation at once. */
  add(runId: string, installationId: string): void {
    this.addStatement.run(installationId, runId);
  }

  /** Hides up to `limit` claimable runs until `hiddenUntil` and answers their ids, oldest first. */
  claim(request: ClaimRequest): string[] {
    const rows = this.claimStatement.all(
      request.hiddenUntil,
      request.installationId,
      request.now,
      JSON.stringify(request.exclude),
      request.limit,
    ) as { run_id: string; run_seq: number }[];
    return rows.sort((a, b) => a.run_seq - b.run_seq).map((row) => row.run_id);
  }

  get(runId: string): IntegrationRunState | undefined {
    const row = this.getStatement.get(runId) as StateRow | undefined;
    if (!row) return undefined;
    return {
      runId: row.run_id,
      installationId: row.installation_id,
      claims: row.claims,
      acknowledgedAt: row.acknowledged_at,
      acknowledgedBy: row.acknowledged_by,
    };
  }

  /** False when the run was acknowledged already (or is not in the queue). */
  acknowledge(runId: string, at: string, by: string): boolean {
    return Number(this.acknowledgeStatement.run(at, by, runId).changes) === 1;
  }
}
