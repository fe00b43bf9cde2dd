import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { InvocationMethod, Run, RunLog } from '../model.ts';
import { StatementCache, whereOf } from './where.ts';

/** What invoking a run needs beyond the run itself: the action and entity as they were when it started. */
export interface RunInvocation {
  invocationMethod: InvocationMethod;
  operation: string;
  trigger: { by: Record<string, unknown>; at: string; origin: string; operation: string };
  entity: Record<string, unknown> | null;
}

export interface StoredRun {
  run: Run;
  invocation: RunInvocation;
}

export interface RunFilter {
  entity?: string | undefined;
  blueprint?: string | undefined;
  action?: string | undefined;
  externalRunId?: string | undefined;
  active?: boolean | undefined;
  createdBy?: string | undefined;
  limit: number;
}

type RunRow = { data: string };
type LogRow = {
  id: number;
  run_id: string;
  message: string;
  status_label: string | null;
  termination_status: string | null;
  created_at: string;
  created_by: string;
};

/** Runs and their logs. Callers own the transaction. */
export class RunStore {
  private readonly getStatement: StatementSync;
  private readonly insertStatement: StatementSync;
  /** By which indexed columns change: `status`, `external_run_id`, both, or neither (data only). */
  private readonly updateStatements: Record<'none' | 'status' | 'external' | 'both', StatementSync>;
  /** The indexed values of each run as read, so an update rewrites an index only when its column changed. */
  private readonly indexedAsRead = new WeakMap<StoredRun, { status: string; externalRunId: string | null }>();
  private readonly insertLogStatement: StatementSync;
  private readonly logsStatement: StatementSync;
  /** An ended run leaves the queue of integration runs (migration 3): it is never claimable again. */
  private readonly unqueueStatement: StatementSync;
  private readonly listStatements: StatementCache;

  constructor(db: DatabaseSync) {
    this.listStatements = new StatementCache(db);
    this.getStatement = db.prepare('SELECT data FROM runs WHERE id = ?');
    this.insertStatement = db.prepare(`
      INSERT INTO runs (id, action, blueprint, entity, status, external_run_id, created_by, created_at, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // SQLite rewrites the index entries of every column an UPDATE sets, changed or not.
    this.updateStatements = {
      none: db.prepare('UPDATE runs SET data = ? WHERE id = ?'),
      status: db.prepare('UPDATE runs SET status = ?, data = ? WHERE id = ?'),
      external: db.prepare('UPDATE runs SET external_run_id = ?, data = ? WHERE id = ?'),
      both: db.prepare('UPDATE runs SET status = ?, external_run_id = ?, data = ? WHERE id = ?'),
    };
    this.insertLogStatement = db.prepare(`
      INSERT INTO run_logs (run_id, message, status_label, termination_status, created_at, created_by)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.logsStatement = db.prepare('SELECT * FROM run_logs WHERE run_id = ? ORDER BY id');
    this.unqueueStatement = db.prepare('DELETE FROM integration_runs WHERE run_id = ?');
  }

  get(id: string): StoredRun | undefined {
    const row = this.getStatement.get(id) as RunRow | undefined;
    if (!row) return undefined;
    const stored = JSON.parse(row.data) as StoredRun;
    this.indexedAsRead.set(stored, { status: stored.run.status, externalRunId: stored.run.externalRunId });
    return stored;
  }

  insert(stored: StoredRun): void {
    const { run } = stored;
    this.insertStatement.run(
      run.id,
      run.action.identifier,
      run.blueprint?.identifier ?? null,
      run.entity?.identifier ?? null,
      run.status,
      run.externalRunId,
      run.createdBy,
      run.createdAt,
      JSON.stringify(stored),
    );
  }

  /** Writes a run read with `get` and changed since. */
  update(stored: StoredRun): void {
    const { run } = stored;
    const data = JSON.stringify(stored);
    const before = this.indexedAsRead.get(stored);
    const statusChanged = !before || before.status !== run.status;
    const externalChanged = !before || before.externalRunId !== run.externalRunId;
    if (statusChanged && externalChanged) {
      this.updateStatements.both.run(run.status, run.externalRunId, data, run.id);
    } else if (statusChanged) {
      this.updateStatements.status.run(run.status, data, run.id);
    } else if (externalChanged) {
      this.updateStatements.external.run(run.externalRunId, data, run.id);
    } else {
      this.updateStatements.none.run(data, run.id);
    }
    this.indexedAsRead.set(stored, { status: run.status, externalRunId: run.externalRunId });
    if (statusChanged && (run.status === 'SUCCESS' || run.status === 'FAILURE')) this.unqueueStatement.run(run.id);
  }

  /** Newest first. */
  list(filter: RunFilter): Run[] {
    const { where, params } = whereOf(
      [
        ['entity = ?', filter.entity],
        ['blueprint = ?', filter.blueprint],
        ['action = ?', filter.action],
        ['external_run_id = ?', filter.externalRunId],
        ['created_by = ?', filter.createdBy],
      ],
      filter.active === undefined
        ? []
        : [filter.active ? "status IN ('IN_PROGRESS', 'WAITING_FOR_APPROVAL')" : "status IN ('SUCCESS', 'FAILURE')"],
    );
    const statement = this.listStatements.get(
      `SELECT data FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT ?`,
    );
    const rows = statement.all(...params, filter.limit) as RunRow[];
    return rows.map((row) => (JSON.parse(row.data) as StoredRun).run);
  }

  addLog(log: Omit<RunLog, 'id'>): RunLog {
    const result = this.insertLogStatement.run(
      log.runId,
      log.message,
      log.statusLabel ?? null,
      log.terminationStatus ?? null,
      log.createdAt,
      log.createdBy,
    );
    return { ...log, id: String(result.lastInsertRowid) };
  }

  logs(runId: string): RunLog[] {
    return (this.logsStatement.all(runId) as LogRow[]).map((row) => {
      const log: RunLog = {
        id: String(row.id),
        runId: row.run_id,
        message: row.message,
        createdAt: row.created_at,
        createdBy: row.created_by,
      };
      if (row.status_label !== null) log.statusLabel = row.status_label;
      if (row.termination_status !== null) log.terminationStatus = row.termination_status as 'SUCCESS' | 'FAILURE';
      return log;
    });
  }
}
