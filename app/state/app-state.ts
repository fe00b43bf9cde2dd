import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  openSqlDatabase,
  type PostgresOptions,
  type SqlDatabase,
  type SqlExecutor,
  type SqlTransaction,
} from '../../src/sql/index.ts';
import { ActionRuns } from './action-runs.ts';
import { appStateMigrations, LEGACY_SQLITE_VERSIONS } from './migrations.ts';
import { OutboxQueue } from './outbox-queue.ts';
import { SyncState } from './sync-state.ts';
import { WorkLeases } from './work-leases.ts';

/** Where an invocation stands: received and answered, being dispatched, dispatched, or ended FAILURE. */
export type InvocationState = 'received' | 'dispatching' | 'dispatched' | 'failed';

/** A GitHub workflow run linked to the Port run it reports to. */
export interface LinkedRun {
  externalRunId: string;
  portRunId: string;
  installationId: number;
  owner: string;
  repo: string;
  workflowRunId: number;
  /** The invocation's reportWorkflowStatus: whether the run's end is reported at all. */
  reportStatus: boolean;
  reported: boolean;
}

/** The App's SQLite file in WHARF_DATA_DIR, when DATABASE_URL is not set. */
export const APP_STATE_FILE = 'app.sqlite';

/** How long an outbox lease lasts by default: a dead replica's rows are taken over this long after they were leased. */
export const DEFAULT_LEASE_MS = 30_000;

/** How often, at most, a process deletes expired once-keys. */
const PURGE_EVERY_MS = 60_000;

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

const LINK_COLUMNS =
  'external_run_id, port_run_id, installation_id, owner, repo, workflow_run_id, report_status, reported';

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

export interface AppStateOptions {
  /** This process's name among the replicas (outbox leases): unique by default (host, pid and a random part). */
  owner?: string;
  /** How long an outbox lease lasts (DEFAULT_LEASE_MS by default). */
  leaseMs?: number;
  /** How long a hold on an executing integration-action run lasts (DEFAULT_RUN_HOLD_MS by default). */
  runHoldMs?: number;
}

/**
 * What the App must remember across restarts and share between replicas: invocations received, GitHub runs linked
 * to Port runs, once-keys, the outbox, integration-action runs and catalog sync's state, on a SqlDatabase
 * (PostgreSQL for replicas, SQLite for one process) migrated with appStateMigrations.
 *
 * Every operation runs on the database, or on `on` when given: a transaction of the caller's (`transaction`), so
 * that several writes commit together (a claim and the outbox row it causes). The claims (receiveInvocation,
 * markReported, claimOnce, ActionRuns.claim) are unique keys or conditional updates in one statement: of any number
 * of callers, on any replicas, one gets true.
 */
export class AppState {
  readonly db: SqlDatabase;
  readonly outbox: OutboxQueue;
  readonly actionRuns: ActionRuns;
  readonly sync: SyncState;
  /** Work that runs on one replica at a time; owned under the outbox's owner name. */
  readonly leases: WorkLeases;
  private lastPurge = 0;

  constructor(db: SqlDatabase, options: AppStateOptions = {}) {
    this.db = db;
    this.outbox = new OutboxQueue(db, {
      owner: options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    });
    this.actionRuns = new ActionRuns(db, { owner: this.outbox.owner, holdMs: options.runHoldMs });
    this.sync = new SyncState(db);
    this.leases = new WorkLeases(db, this.outbox.owner);
  }

  /** Runs `work` in one transaction of the App's database: one commit for all it writes (pass `tx` as `on`). */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Invocations: one row per Port run the App was asked to dispatch

  /** Records an invocation; false when this run was already received (a repeated delivery). */
  async receiveInvocation(runId: string, payload: unknown, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(
      `INSERT INTO invocations (run_id, payload, state, received_at, updated_at) VALUES ($1, $2, 'received', $3, $3)
        ON CONFLICT (run_id) DO NOTHING`,
      [runId, JSON.stringify(payload), now],
    );
    return rowCount === 1;
  }

  async setInvocationState(
    runId: string,
    state: InvocationState,
    now: number,
    on: SqlExecutor = this.db,
  ): Promise<void> {
    await on.run('UPDATE invocations SET state = $1, updated_at = $2 WHERE run_id = $3', [state, now, runId]);
  }

  /** The invocations in `state`, first received first (ties by run id, alike on both engines). */
  async invocationsIn(
    state: InvocationState,
    on: SqlExecutor = this.db,
  ): Promise<{ runId: string; payload: unknown; receivedAt: number }[]> {
    const rows = await on.query<{ run_id: string; payload: string; received_at: number }>(
      'SELECT run_id, payload, received_at FROM invocations WHERE state = $1 ORDER BY received_at, run_id',
      [state],
    );
    return rows.map((row) => ({
      runId: row.run_id,
      payload: JSON.parse(row.payload) as unknown,
      receivedAt: row.received_at,
    }));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Linked runs: GitHub workflow runs linked to Port runs

  /** Links a GitHub run to a Port run; linking it again changes the Port run and report_status, nothing else. */
  async link(run: LinkedRun, now: number, on: SqlExecutor = this.db): Promise<void> {
    await on.run(
      `INSERT INTO linked_runs (external_run_id, port_run_id, installation_id, owner, repo, workflow_run_id,
          report_status, linked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (external_run_id) DO UPDATE SET port_run_id = excluded.port_run_id,
          report_status = excluded.report_status`,
      [
        run.externalRunId,
        run.portRunId,
        run.installationId,
        run.owner,
        run.repo,
        run.workflowRunId,
        run.reportStatus ? 1 : 0,
        now,
      ],
    );
  }

  async linkFor(externalRunId: string, on: SqlExecutor = this.db): Promise<LinkedRun | undefined> {
    const [row] = await on.query<LinkedRow>(`SELECT ${LINK_COLUMNS} FROM linked_runs WHERE external_run_id = $1`, [
      externalRunId,
    ]);
    return row ? linkedFromRow(row) : undefined;
  }

  /** Links not reported yet, first linked first (ties by external run id), at most `limit`: the reconciler's walk. */
  async openLinks(limit: number, on: SqlExecutor = this.db): Promise<LinkedRun[]> {
    const rows = await on.query<LinkedRow>(
      `SELECT ${LINK_COLUMNS} FROM linked_runs WHERE reported = 0 ORDER BY linked_at, external_run_id LIMIT $1`,
      [limit],
    );
    return rows.map(linkedFromRow);
  }

  /** Marks a linked run reported; false when it was already (or is not linked): the report must not be made again. */
  async markReported(externalRunId: string, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(
      'UPDATE linked_runs SET reported = 1 WHERE external_run_id = $1 AND reported = 0',
      [externalRunId],
    );
    return rowCount === 1;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Once-keys: each fact happens once (a signature seen, a webhook delivery handled, a run's completion reported)

  /**
   * True the first time `key` is claimed while it lives; false for every repeat. A key whose time ran out is
   * claimed anew (it is replaced in the same statement, whether or not it was purged yet).
   */
  async claimOnce(key: string, ttlMs: number, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    // Expired claims go now and then, not on every claim: claims are on the path of every webhook.
    if (now - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = now;
      await on.run('DELETE FROM once_keys WHERE expires_at <= $1', [now]);
    }
    const { rowCount } = await on.run(
      `INSERT INTO once_keys (key, expires_at) VALUES ($1, $2)
        ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE once_keys.expires_at <= $3`,
      [key, now + ttlMs, now],
    );
    return rowCount === 1;
  }

  /** Gives a claim back, when the work it guarded did not happen after all. */
  async releaseOnce(key: string, on: SqlExecutor = this.db): Promise<void> {
    await on.run('DELETE FROM once_keys WHERE key = $1', [key]);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * Opens the App's state: the PostgreSQL database of `databaseUrl` (DATABASE_URL) when set, shared by replicas;
 * otherwise `dataDir`/app.sqlite, for one process. Brings its schema up to date (appStateMigrations; replicas
 * starting together apply each migration once). An app.sqlite written before (PRAGMA user_version 1 to
 * LEGACY_SQLITE_VERSIONS) is adopted with its rows.
 */
export async function openAppState(
  options: { databaseUrl?: string | undefined; dataDir: string; postgres?: PostgresOptions } & AppStateOptions,
): Promise<AppState> {
  const db = openSqlDatabase({
    databaseUrl: options.databaseUrl,
    sqliteFile: join(options.dataDir, APP_STATE_FILE),
    sqlite: { adoptUserVersion: LEGACY_SQLITE_VERSIONS },
    postgres: options.postgres,
  });
  try {
    await db.migrate(appStateMigrations);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return new AppState(db, options);
}
