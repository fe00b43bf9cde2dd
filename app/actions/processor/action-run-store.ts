import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { IntegrationRun } from '../executors/executor.ts';

/**
 * Where a claimed run is in this App (the `action_runs` table of app.sqlite, migration 4):
 * - `claimed`: its acknowledgement was sent and the answer not recorded yet;
 * - `acknowledged`: Port gave it to this App; nothing was done on GitHub yet;
 * - `executing`: its executor started, so GitHub may have acted;
 * - `finished`: its outcome is in the outbox, on its way to Port.
 */
export type ActionRunState = 'claimed' | 'acknowledged' | 'executing' | 'finished';

export interface StoredActionRun {
  run: IntegrationRun;
  state: ActionRunState;
  /** When Port created the run (epoch ms), when known. */
  createdAt: number | undefined;
  claimedAt: number;
}

type Row = {
  run_id: string;
  action_type: string;
  payload: string;
  state: ActionRunState;
  created_at: number | null;
  claimed_at: number;
};

/** The App's memory of the runs it claimed: a run is executed once, whatever redelivers it, restarts included. */
export class ActionRunStore {
  private readonly statements: Record<'insert' | 'setState' | 'finish' | 'forget' | 'inState' | 'state', StatementSync>;

  constructor(db: DatabaseSync) {
    this.statements = {
      insert: db.prepare(`INSERT OR IGNORE INTO action_runs
        (run_id, action_type, payload, state, created_at, claimed_at, updated_at) VALUES (?, ?, ?, 'claimed', ?, ?, ?)`),
      setState: db.prepare('UPDATE action_runs SET state = ?, updated_at = ? WHERE run_id = ?'),
      finish: db.prepare("UPDATE action_runs SET state = 'finished', outcome = ?, updated_at = ? WHERE run_id = ?"),
      forget: db.prepare("DELETE FROM action_runs WHERE run_id = ? AND state = 'claimed'"),
      inState: db.prepare('SELECT * FROM action_runs WHERE state = ? ORDER BY claimed_at'),
      state: db.prepare('SELECT state FROM action_runs WHERE run_id = ?'),
    };
  }

  /** Records a run about to be acknowledged; false when this App has seen it before (nothing more happens for it). */
  claim(run: IntegrationRun, createdAt: number | undefined, now: number): boolean {
    const payload = JSON.stringify({ properties: run.properties });
    return (
      this.statements.insert!.run(run.runId, run.integrationActionType, payload, createdAt ?? null, now, now)
        .changes === 1
    );
  }

  /** Where the run is here; undefined when this App never claimed it. */
  stateOf(runId: string): ActionRunState | undefined {
    return (this.statements.state!.get(runId) as { state: ActionRunState } | undefined)?.state;
  }

  setState(runId: string, state: Exclude<ActionRunState, 'finished'>, now: number): void {
    this.statements.setState!.run(state, now, runId);
  }

  finish(runId: string, outcome: string, now: number): void {
    this.statements.finish!.run(outcome, now, runId);
  }

  /** Another processor acknowledged it: this App never had it. */
  forget(runId: string): void {
    this.statements.forget!.run(runId);
  }

  inState(state: ActionRunState): StoredActionRun[] {
    return (this.statements.inState!.all(state) as Row[]).map((row) => ({
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
