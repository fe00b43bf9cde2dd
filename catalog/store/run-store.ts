import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { InvocationMethod, Run, RunLog, RunStatus } from '../model.ts';
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

/** A run's place in the newest-first order: where a page of runs starts or ends. */
export interface RunCursor {
  createdAt: string;
  id: string;
}

export interface RunFilter {
  entity?: string | undefined;
  blueprint?: string | undefined;
  action?: string | undefined;
  externalRunId?: string | undefined;
  active?: boolean | undefined;
  status?: RunStatus | undefined;
  createdBy?: string | undefined;
  /** Only runs after this one in the newest-first order (the next page). */
  olderThan?: RunCursor | undefined;
  /** Only runs before this one in the newest-first order, the nearest `limit` of them (the previous page). */
  newerThan?: RunCursor | undefined;
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
  private readonly logsAfterStatement: StatementSync;
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
    this.logsAfterStatement = db.prepare('SELECT * FROM run_logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?');
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

  /** Newest first. A page is (created_at, id) keyset: no row is skipped or shown twice while runs are added. */
  list(filter: RunFilter): Run[] {
    const keyset = [keysetOf(filter.olderThan, '<'), keysetOf(filter.newerThan, '>')].filter(
      (part) => part !== undefined,
    );
    const { where, params } = whereOf(
      [
        ['entity = ?', filter.entity],
        ['blueprint = ?', filter.blueprint],
        ['action = ?', filter.action],
        ['status = ?', filter.status],
        ['external_run_id = ?', filter.externalRunId],
        ['created_by = ?', filter.createdBy],
      ],
      [
        ...(filter.active === undefined
          ? []
          : [filter.active ? "status IN ('IN_PROGRESS', 'WAITING_FOR_APPROVAL')" : "status IN ('SUCCESS', 'FAILURE')"]),
        ...keyset.map((part) => part.sql),
      ],
    );
    // The page before a cursor is the nearest runs above it: read upwards, then turned back to newest first.
    const direction = filter.newerThan ? 'ASC' : 'DESC';
    const statement = this.listStatements.get(
      `SELECT data FROM runs ${where} ORDER BY created_at ${direction}, id ${direction} LIMIT ?`,
    );
    const rows = statement.all(...params, ...keyset.flatMap((part) => part.params), filter.limit) as RunRow[];
    const runs = rows.map((row) => (JSON.parse(row.data) as StoredRun).run);
    return filter.newerThan ? runs.reverse() : runs;
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
    return (this.logsStatement.all(runId) as LogRow[]).map(logOf);
  }

  /** Up to `limit` log lines written after line `afterId` (0: from the first), oldest first. */
  logsAfter(runId: string, afterId: number, limit: number): RunLog[] {
    return (this.logsAfterStatement.all(runId, afterId, limit) as LogRow[]).map(logOf);
  }
}

function logOf(row: LogRow): RunLog {
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
}

/**
 * The rows on one side of a cursor. `created_at <= ?` alone is a range of the (column, created_at) indexes; the rest
 * breaks ties between runs created in the same millisecond.
 */
function keysetOf(cursor: RunCursor | undefined, side: '<' | '>'): { sql: string; params: string[] } | undefined {
  if (!cursor) return undefined;
  const inclusive = side === '<' ? '<=' : '>=';
  return {
    sql: `created_at ${inclusive} ? AND (created_at ${side} ? OR id ${side} ?)`,
    params: [cursor.createdAt, cursor.createdAt, cursor.id],
  };
}
