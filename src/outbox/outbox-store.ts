import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { inTransaction } from '../sqlite/index.ts';
import type { DeliveryQueue } from './outbox-worker.ts';

/**
 * The outbox table, for a database's migrations. Rows with one ordering_key go out one at a time, in id order;
 * a row is deleted once delivered and kept as 'failed' with its last error once given up.
 */
export const OUTBOX_SCHEMA = `
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    ordering_key TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_error TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
  );
  CREATE INDEX deliveries_order ON deliveries (state, id);
  CREATE INDEX deliveries_next_attempt ON deliveries (state, next_attempt_at);
  CREATE INDEX deliveries_ordering ON deliveries (ordering_key, state, id);
`;

/** One row of an outbox: what to deliver (`kind` picks the handler), and how it went so far. */
export interface Delivery {
  id: number;
  kind: string;
  orderingKey: string;
  payload: unknown;
  attempts: number;
  createdAt: number;
}

type DeliveryRow = {
  id: number;
  kind: string;
  ordering_key: string;
  payload: string;
  attempts: number;
  created_at: number;
};

const fromRow = (row: DeliveryRow): Delivery => ({
  id: row.id,
  kind: row.kind,
  orderingKey: row.ordering_key,
  payload: JSON.parse(row.payload) as unknown,
  attempts: row.attempts,
  createdAt: row.created_at,
});

/**
 * The `deliveries` table (OUTBOX_SCHEMA) of one database that one process has alone (the catalog's), as the
 * DeliveryQueue its OutboxWorker delivers. Enqueue inside the transaction of the change that causes the delivery,
 * so nothing is sent for a change that rolled back and nothing answered is forgotten.
 *
 * Leases are this process's only, so they are kept in memory and never run out: a leased row is passed over by
 * `lease` until it is completed, retried, given up or released, or makeAllDue (at start) frees every lease.
 */
export class OutboxStore implements DeliveryQueue {
  private readonly db: DatabaseSync;
  /** Rows leased and not yet completed, retried, given up or released. */
  private readonly leased = new Set<number>();
  private readonly enqueueStatement: StatementSync;
  private readonly dueStatement: StatementSync;
  private readonly deleteStatement: StatementSync;
  private readonly retryStatement: StatementSync;
  private readonly failStatement: StatementSync;
  private readonly pendingCountStatement: StatementSync;
  private readonly nextDueStatement: StatementSync;
  private readonly olderThanStatement: StatementSync;
  private readonly dueNowStatement: StatementSync;
  private readonly payloadStatement: StatementSync;
  private readonly earlierPendingStatement: StatementSync;
  private readonly releaseStatement: StatementSync;
  private readonly oldestPendingStatement: StatementSync;

  constructor(db: DatabaseSync) {
    this.enqueueStatement = db.prepare(`
      INSERT INTO deliveries (kind, ordering_key, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)`);
    // The oldest pending row of each ordering key, when it is due: later rows of a key wait for it.
    // INDEXED BY: walking pending rows in id order stops after LIMIT rows, however long the queue.
    this.dueStatement = db.prepare(`
      SELECT d.id, d.kind, d.ordering_key, d.payload, d.attempts, d.created_at FROM deliveries d
      INDEXED BY deliveries_order
      WHERE d.state = 'pending' AND d.next_attempt_at <= ?
        AND NOT EXISTS (SELECT 1 FROM deliveries p
          WHERE p.ordering_key = d.ordering_key AND p.state = 'pending' AND p.id < d.id)
      ORDER BY d.id LIMIT ?`);
    this.deleteStatement = db.prepare('DELETE FROM deliveries WHERE id = ?');
    this.db = db;
    this.retryStatement = db.prepare(
      "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'pending'",
    );
    this.failStatement = db.prepare(
      "UPDATE deliveries SET attempts = attempts + 1, state = 'failed', last_error = ? WHERE id = ? AND state = 'pending'",
    );
    this.pendingCountStatement = db.prepare("SELECT count(*) AS n FROM deliveries WHERE state = 'pending'");
    this.nextDueStatement = db.prepare("SELECT min(next_attempt_at) AS at FROM deliveries WHERE state = 'pending'");
    this.payloadStatement = db.prepare('UPDATE deliveries SET payload = ? WHERE id = ?');
    this.earlierPendingStatement = db.prepare(
      "SELECT id FROM deliveries WHERE ordering_key = ? AND state = 'pending' AND id < ? ORDER BY id",
    );
    this.oldestPendingStatement = db.prepare(
      "SELECT id, created_at FROM deliveries INDEXED BY deliveries_order WHERE state = 'pending' ORDER BY id LIMIT ?",
    );
    this.releaseStatement = db.prepare("UPDATE deliveries SET next_attempt_at = ? WHERE id = ? AND state = 'pending'");
    this.dueNowStatement = db.prepare(
      "UPDATE deliveries SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?",
    );
    this.olderThanStatement = db.prepare(`
      SELECT id, kind, ordering_key, payload, attempts, created_at FROM deliveries
      WHERE state = 'pending' AND kind = ? AND created_at < ? ORDER BY id`);
  }

  /**
   * Adds a row, due now; or, with `heldMs`, due only after that long, for a caller that delivers it at once itself
   * (OutboxWorker.deliverNow) while no pass may take it, and that leaves it to the passes should the process stop.
   */
  enqueue(kind: string, orderingKey: string, payload: unknown, now: number, heldMs = 0): Delivery {
    const result = this.enqueueStatement.run(kind, orderingKey, JSON.stringify(payload), now + heldMs, now);
    return { id: Number(result.lastInsertRowid), kind, orderingKey, payload, attempts: 0, createdAt: now };
  }

  /** Rows enqueued before `id` with the same ordering key and still pending: `id` must wait for them. */
  earlierPending(orderingKey: string, id: number): number[] {
    return (this.earlierPendingStatement.all(orderingKey, id) as { id: number }[]).map((row) => row.id);
  }

  /** A held (or leased) row becomes due now, for the passes to deliver in their order. */
  release(id: number, now: number): void {
    this.leased.delete(id);
    this.releaseStatement.run(now, id);
  }

  /**
   * Leases at most `limit` due rows, in id order, each the first pending row of its ordering key, passing over the
   * rows leased already (still pending: they come first, so the query asks for enough to get past them).
   */
  lease(now: number, limit: number): Delivery[] {
    const rows = this.dueStatement.all(now, limit + this.leased.size) as DeliveryRow[];
    const leased: Delivery[] = [];
    for (const row of rows) {
      if (leased.length === limit) break;
      if (this.leased.has(row.id)) continue;
      this.leased.add(row.id);
      leased.push(fromRow(row));
    }
    return leased;
  }

  /** Leases never run out here: every id is still this process's. */
  renew(ids: readonly number[], _now?: number): number[] {
    return [...ids];
  }

  /** Removes delivered rows, many in one transaction: a commit per row would cost more than the delivery. */
  complete(ids: readonly number[]): void {
    if (ids.length === 0) return;
    inTransaction(this.db, () => {
      for (const id of ids) this.deleteStatement.run(id);
    });
    for (const id of ids) this.leased.delete(id);
  }

  /** An attempt failed: one more attempt counted, its error kept, due again at `at`. */
  retry(id: number, at: number, error: string, _now?: number): boolean {
    this.leased.delete(id);
    return Number(this.retryStatement.run(at, error, id).changes) === 1;
  }

  /** Given up: kept with its last error for inspection, and no longer holding back its ordering key. */
  giveUp(id: number, error: string, _now?: number): boolean {
    this.leased.delete(id);
    return Number(this.failStatement.run(error, id).changes) === 1;
  }

  /** How many rows are pending, leased or not. */
  depth(): number {
    return (this.pendingCountStatement.get() as { n: number }).n;
  }

  /** Records progress inside a delivery (the steps still to do), so a retry does not repeat the done ones. */
  updatePayload(id: number, payload: unknown): void {
    this.payloadStatement.run(JSON.stringify(payload), id);
  }

  /**
   * Everything pending becomes due now, and every lease is freed: after a restart, waiting out an old backoff helps
   * nobody, and the rows under way when the last worker stopped are nobody's.
   */
  makeAllDue(now: number): void {
    this.leased.clear();
    this.dueNowStatement.run(now, now);
  }

  pendingOlderThan(kind: string, createdBefore: number, _now?: number): Delivery[] {
    return (this.olderThanStatement.all(kind, createdBefore) as DeliveryRow[]).map(fromRow);
  }

  /** When the oldest pending row was enqueued, leaving out `skip` (rows delivered but not removed yet). */
  oldestPendingAt(skip: readonly number[] = []): number | undefined {
    const rows = this.oldestPendingStatement.all(skip.length + 1) as { id: number; created_at: number }[];
    return rows.find((row) => !skip.includes(row.id))?.created_at;
  }

  nextDueAt(): number | undefined {
    return (this.nextDueStatement.get() as { at: number | null }).at ?? undefined;
  }
}
