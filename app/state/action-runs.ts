import type { SqlDatabase, SqlExecutor } from '../../src/sql/index.ts';
import type { IntegrationRun } from '../actions/executors/executor.ts';
import type { ActionRunState, StoredActionRun } from '../actions/processor/action-run-store.ts';

export type { ActionRunState, StoredActionRun } from '../actions/processor/action-run-store.ts';

type Row = {
  run_id: string;
  action_type: string;
  payload: string;
  state: ActionRunState;
  created_at: number | null;
  claimed_at: number;
};

/**
 * The App's memory of the integration-action runs it claimed (the `action_runs` table): a run is executed once,
 * whatever redelivers it, restarts included, and whichever replica it reaches. States: see ActionRunState.
 */
export class ActionRuns {
  private readonly db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.db = db;
  }

  /**
   * Records a run about to be acknowledged; false when this App has seen it before (nothing more happens for it).
   * A unique key: of replicas claiming one run at once, one gets true.
   */
  async claim(
    run: IntegrationRun,
    createdAt: number | undefined,
    now: number,
    on: SqlExecutor = this.db,
  ): Promise<boolean> {
    const payload = JSON.stringify({ properties: run.properties });
    const { rowCount } = await on.run(
      `INSERT INTO action_runs (run_id, action_type, payload, state, created_at, claimed_at, updated_at)
        VALUES ($1, $2, $3, 'claimed', $4, $5, $5) ON CONFLICT (run_id) DO NOTHING`,
      [run.runId, run.integrationActionType, payload, createdAt ?? null, now],
    );
    return rowCount === 1;
  }

  /** Where the run is here; undefined when this App never claimed it. */
  async stateOf(runId: string, on: SqlExecutor = this.db): Promise<ActionRunState | undefined> {
    const [row] = await on.query<{ state: ActionRunState }>('SELECT state FROM action_runs WHERE run_id = $1', [runId]);
    return row?.state;
  }

  async setState(
    runId: string,
    state: Exclude<ActionRunState, 'finished'>,
    now: number,
    on: SqlExecutor = this.db,
  ): Promise<void> {
    await on.run('UPDATE action_runs SET state = $1, updated_at = $2 WHERE run_id = $3', [state, now, runId]);
  }

  async finish(runId: string, outcome: string, now: number, on: SqlExecutor = this.db): Promise<void> {
    await on.run("UPDATE action_runs SET state = 'finished', outcome = $1, updated_at = $2 WHERE run_id = $3", [
      outcome,
      now,
      runId,
    ]);
  }

  /** Another processor acknowledged it: this App never had it. */
  async forget(runId: string, on: SqlExecutor = this.db): Promise<void> {
    await on.run("DELETE FROM action_runs WHERE run_id = $1 AND state = 'claimed'", [runId]);
  }

  /** The runs in `state`, oldest claim first (ties by run id, alike on both engines). */
  async inState(state: ActionRunState, on: SqlExecutor = this.db): Promise<StoredActionRun[]> {
    const rows = await on.query<Row>(
      `SELECT run_id, action_type, payload, state, created_at, claimed_at FROM action_runs
        WHERE state = $1 ORDER BY claimed_at, run_id`,
      [state],
    );
    return rows.map((row) => ({
      run: {
        runId: row.run_id,
        integrationActionType: row.action_type,
        properties: (JSON.parse(row.payload) as { properties: Record<string, unknown> }).properties,
      },
      state: row.state,
      createdAt: row.created_at ?? undefined,
      claimedAt: row.claimed_at,
    }));
  }
}
