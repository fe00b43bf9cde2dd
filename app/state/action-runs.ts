import type { SqlDatabase, SqlExecutor } from '../../src/sql/index.ts';
import type { IntegrationRun } from '../actions/executors/executor.ts';

/**
 * Where a claimed run is in this App (the `action_runs` table):
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

/** How long a replica's hold on a run it executes lasts by default (it renews it while the execution runs). */
export const DEFAULT_RUN_HOLD_MS = 30_000;

const COLUMNS = 'run_id, action_type, payload, state, created_at, claimed_at';

/** An executing run nobody holds at `now` (its hold ran out, or it has none), or that began before `begunBefore`. */
const abandonedAt = (now: string, begunBefore: string): string =>
  `state = 'executing' AND (held_until IS NULL OR held_until <= ${now} OR updated_at < ${begunBefore})`;

/**
 * The App's memory of the integration-action runs it claimed (the `action_runs` table): a run is executed once,
 * whatever redelivers it, restarts included, and whichever replica it reaches. States: see ActionRunState.
 *
 * An executing run is held by the replica executing it (`owner`, migration 7) for `holdMs`, renewed while the
 * execution runs (renew): a replica that died stops renewing, and once its hold ran out another ends the run
 * (endAbandoned, one conditional update: of replicas at once, one does it). A live replica's runs are left alone.
 */
export class ActionRuns {
  /** This replica's name (the same as its outbox leases'). */
  readonly owner: string;
  /** How long a hold on an executing run lasts from its last renewal. */
  readonly holdMs: number;
  private readonly db: SqlDatabase;

  constructor(db: SqlDatabase, options: { owner: string; holdMs?: number | undefined }) {
    this.db = db;
    this.owner = options.owner;
    this.holdMs = options.holdMs ?? DEFAULT_RUN_HOLD_MS;
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
    return this.insert(run, 'claimed', 'DO NOTHING', createdAt, now, on);
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

  /**
   * Takes up a run whose acknowledgement got no recorded answer, to acknowledge it again: true for one caller, and
   * only when the run is still `claimed` and was last touched at `staleBefore` or earlier (a claim newer than that
   * is another replica's, its acknowledgement under way).
   */
  async reclaim(runId: string, staleBefore: number, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(
      "UPDATE action_runs SET updated_at = $1 WHERE run_id = $2 AND state = 'claimed' AND updated_at <= $3",
      [now, runId, staleBefore],
    );
    return rowCount === 1;
  }

  /**
   * Records that Port gave the run to this App (its acknowledgement answered yes): `claimed` becomes `acknowledged`,
   * and a claim forgotten meanwhile (another replica's acknowledgement of it was refused) is recorded again. False
   * when the run is past `claimed` already: another replica has it, and this one must not execute it.
   */
  async acknowledged(
    run: IntegrationRun,
    createdAt: number | undefined,
    now: number,
    on: SqlExecutor = this.db,
  ): Promise<boolean> {
    return this.insert(
      run,
      'acknowledged',
      "DO UPDATE SET state = 'acknowledged', updated_at = excluded.updated_at WHERE action_runs.state = 'claimed'",
      createdAt,
      now,
      on,
    );
  }

  /** Adds the run in `state`, or does `onConflict` when it is there: true when a row was added or changed. */
  private async insert(
    run: IntegrationRun,
    state: 'claimed' | 'acknowledged',
    onConflict: string,
    createdAt: number | undefined,
    now: number,
    on: SqlExecutor,
  ): Promise<boolean> {
    const payload = JSON.stringify({ properties: run.properties });
    const { rowCount } = await on.run(
      `INSERT INTO action_runs (run_id, action_type, payload, state, created_at, claimed_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (run_id) ${onConflict}`,
      [run.runId, run.integrationActionType, payload, state, createdAt ?? null, now],
    );
    return rowCount === 1;
  }

  /**
   * Moves an acknowledged run to `executing`, held by this replica until now + holdMs; false when it is not
   * `acknowledged` (any more): another replica (one resuming what a stopped process left) started it first. A
   * conditional update: of callers at once, one gets true.
   */
  async begin(runId: string, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(
      `UPDATE action_runs SET state = 'executing', updated_at = $1, held_by = $2, held_until = $3
        WHERE run_id = $4 AND state = 'acknowledged'`,
      [now, this.owner, now + this.holdMs, runId],
    );
    return rowCount === 1;
  }

  /**
   * Extends this replica's hold on a run it executes to now + holdMs; false when it holds it no more (another
   * replica ended it, its hold having run out). A hold that ran out but that nobody ended is still this replica's.
   */
  async renew(runId: string, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(
      "UPDATE action_runs SET held_until = $1 WHERE run_id = $2 AND state = 'executing' AND held_by = $3",
      [now + this.holdMs, runId, this.owner],
    );
    return rowCount === 1;
  }

  /**
   * Records the run finished with `outcome`; false when it was already (another replica ended it while this one
   * executed it, its hold having run out): its outcome must then not be reported again.
   */
  async finish(runId: string, outcome: string, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(
      `UPDATE action_runs SET state = 'finished', outcome = $1, updated_at = $2, held_until = NULL
        WHERE run_id = $3 AND state <> 'finished'`,
      [outcome, now, runId],
    );
    return rowCount === 1;
  }

  /**
   * Executing runs whose replica is gone, oldest claim first: nobody holds them at `now` (the hold ran out, or the
   * row has none), or they began before `begunBefore` (one process on SQLite: at its start, every executing run is
   * the previous process's, however recently it renewed its hold).
   */
  async abandoned(now: number, begunBefore = 0, on: SqlExecutor = this.db): Promise<StoredActionRun[]> {
    const rows = await on.query<Row>(
      `SELECT ${COLUMNS} FROM action_runs WHERE ${abandonedAt('$1', '$2')} ORDER BY claimed_at, run_id`,
      [now, begunBefore],
    );
    return rows.map(fromRow);
  }

  /**
   * Ends an abandoned run (see abandoned) with `outcome`, held by this replica from then on: true for one caller
   * of any number on any replicas, and only while the run is still abandoned (a live replica's is left alone).
   */
  async endAbandoned(
    runId: string,
    outcome: string,
    now: number,
    begunBefore = 0,
    on: SqlExecutor = this.db,
  ): Promise<boolean> {
    const { rowCount } = await on.run(
      `UPDATE action_runs SET state = 'finished', outcome = $1, updated_at = $2, held_by = $3, held_until = NULL
        WHERE run_id = $4 AND ${abandonedAt('$2', '$5')}`,
      [outcome, now, this.owner, runId, begunBefore],
    );
    return rowCount === 1;
  }

  /** Another processor acknowledged it: this App never had it. */
  async forget(runId: string, on: SqlExecutor = this.db): Promise<void> {
    await on.run("DELETE FROM action_runs WHERE run_id = $1 AND state = 'claimed'", [runId]);
  }

  /** The runs in `state`, oldest claim first (ties by run id, alike on both engines). */
  async inState(state: ActionRunState, on: SqlExecutor = this.db): Promise<StoredActionRun[]> {
    const rows = await on.query<Row>(
      `SELECT ${COLUMNS} FROM action_runs WHERE state = $1 ORDER BY claimed_at, run_id`,
      [state],
    );
    return rows.map(fromRow);
  }
}

function fromRow(row: Row): StoredActionRun {
  return {
    run: {
      runId: row.run_id,
      integrationActionType: row.action_type,
      properties: (JSON.parse(row.payload) as { properties: Record<string, unknown> }).properties,
    },
    state: row.state,
    createdAt: row.created_at ?? undefined,
    claimedAt: row.claimed_at,
  };
}
