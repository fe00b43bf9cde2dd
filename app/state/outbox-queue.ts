import type { Dialect, SqlDatabase, SqlExecutor } from '../../src/sql/index.ts';
import type { Delivery, DeliveryQueue } from '../../src/outbox/index.ts';
import { idList } from './sql-lists.ts';

export type { Delivery } from '../../src/outbox/index.ts';

export interface OutboxQueueOptions {
  /** Who leases: one name per process (a replica), never shared. */
  owner: string;
  /**
   * How long a lease lasts: a row leased by a replica that died is taken over by another this long after it was
   * leased. Longer than an attempt takes (or renew the lease while it runs): a row whose lease ran out mid-attempt
   * may be delivered twice.
   */
  leaseMs: number;
  /**
   * True when this process has the database alone (SQLite: one process per file), so that a lease found at start
   * is a previous process's, freed by makeAllDue. False on a database replicas share. The engine's by default.
   */
  exclusive?: boolean;
}

type DeliveryRow = {
  id: number;
  kind: string;
  ordering_key: string;
  payload: string;
  attempts: number;
  created_at: number;
};

const COLUMNS = 'id, kind, ordering_key, payload, attempts, created_at';

const fromRow = (row: DeliveryRow): Delivery => ({
  id: row.id,
  kind: row.kind,
  orderingKey: row.ordering_key,
  payload: JSON.parse(row.payload) as unknown,
  attempts: row.attempts,
  createdAt: row.created_at,
});

/**
 * Rows nobody else holds, at `now` ($2) for `owner` ($1): unleased, leased by `owner`, or whose lease ran out.
 * Only such a row's attempt may be recorded: once another replica took a row over, its attempt counts.
 */
const NOT_HELD_BY_OTHERS = '(lease_owner = $1 OR lease_until IS NULL OR lease_until <= $2)';

/**
 * The rows a lease takes, at `now` ($3), at most `limit` ($4), in id order: pending, due, held by nobody, and
 * without an earlier row of their ordering key still pending (leased or not): later rows of a key wait for it, as
 * they did in src/outbox's OutboxStore.due. On SQLite, INDEXED BY: walking pending rows in id order stops after
 * LIMIT rows, however long the queue; on PostgreSQL, FOR UPDATE SKIP LOCKED: the rows another replica is leasing
 * at this moment are passed over, not waited for, and one leased meanwhile is checked again once it is locked.
 */
function leasable(dialect: Dialect): string {
  return `
    SELECT d.id FROM deliveries d ${dialect === 'sqlite' ? 'INDEXED BY deliveries_order' : ''}
    WHERE d.state = 'pending' AND d.next_attempt_at <= $3 AND (d.lease_until IS NULL OR d.lease_until <= $3)
      AND NOT EXISTS (SELECT 1 FROM deliveries p
        WHERE p.ordering_key = d.ordering_key AND p.state = 'pending' AND p.id < d.id)
    ORDER BY d.id LIMIT $4 ${dialect === 'postgres' ? 'FOR UPDATE OF d SKIP LOCKED' : ''}`;
}

/** Leases the leasable rows to `owner` ($1) until $2: one statement, so no other lease sees them free. */
const LEASE: Record<Dialect, string> = {
  postgres: `
    WITH picked AS (${leasable('postgres')})
    UPDATE deliveries SET lease_owner = $1, lease_until = $2 FROM picked WHERE deliveries.id = picked.id
    RETURNING deliveries.id, kind, ordering_key, payload, attempts, created_at`,
  // One writer at a time: the UPDATE's subquery and its writes are one step no other connection comes between.
  sqlite: `
    UPDATE deliveries SET lease_owner = $1, lease_until = $2 WHERE id IN (${leasable('sqlite')})
    RETURNING ${COLUMNS}`,
};

/**
 * The App's outbox (the `deliveries` table) on a SqlDatabase that several replicas may share. A row is enqueued in
 * the transaction of the change that causes it (pass that transaction as `on`), so nothing is sent for a change
 * that rolled back and nothing answered is forgotten. Replicas lease rows to deliver them: a leased row is theirs
 * until they complete it, retry it, give it up, or the lease runs out (they died), when another replica takes it
 * over. Rows of one ordering key go out one at a time, in id order, whichever replica delivers them. The
 * DeliveryQueue of the App's OutboxWorker (src/outbox).
 */
export class OutboxQueue implements DeliveryQueue {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly db: SqlDatabase;
  private readonly exclusive: boolean;

  constructor(db: SqlDatabase, options: OutboxQueueOptions) {
    this.db = db;
    this.owner = options.owner;
    this.leaseMs = options.leaseMs;
    this.exclusive = options.exclusive ?? db.dialect === 'sqlite';
  }

  /**
   * Adds a row, due now. With `hold`, the row is leased to this replica at once, for a caller that delivers it
   * itself as soon as its transaction committed (OutboxWorker.deliverNow) while no pass may take it, and that
   * leaves it to the passes (of any replica, once the lease ran out) should the process stop.
   */
  async enqueue(
    entry: { kind: string; orderingKey: string; payload: unknown; hold?: boolean },
    now: number,
    on: SqlExecutor = this.db,
  ): Promise<Delivery> {
    const { kind, orderingKey, payload, hold = false } = entry;
    const [row] = await on.query<{ id: number }>(
      `INSERT INTO deliveries (kind, ordering_key, payload, next_attempt_at, created_at, lease_owner, lease_until)
        VALUES ($1, $2, $3, $4, $4, $5, $6) RETURNING id`,
      [kind, orderingKey, JSON.stringify(payload), now, hold ? this.owner : null, hold ? now + this.leaseMs : null],
    );
    return { id: row!.id, kind, orderingKey, payload, attempts: 0, createdAt: now };
  }

  /**
   * Leases at most `limit` rows to this replica, in id order: due, held by nobody (a lease that ran out counts as
   * none), and each the first pending row of its ordering key. Two replicas leasing at once never get one row.
   */
  async lease(now: number, limit: number, on: SqlExecutor = this.db): Promise<Delivery[]> {
    const rows = await on.query<DeliveryRow>(LEASE[on.dialect], [this.owner, now + this.leaseMs, now, limit]);
    return rows.map(fromRow).sort((a, b) => a.id - b.id);
  }

  /** Extends this replica's leases of `ids` (an attempt that runs long); answers the ids it still held. */
  async renew(ids: readonly number[], now: number, on: SqlExecutor = this.db): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await on.query<{ id: number }>(
      `UPDATE deliveries SET lease_until = $2 WHERE lease_owner = $1 AND state = 'pending'
        AND id IN ${idList(on.dialect, '$3')} RETURNING id`,
      [this.owner, now + this.leaseMs, JSON.stringify(ids)],
    );
    return rows.map((row) => row.id).sort((a, b) => a - b);
  }

  /** Rows enqueued before `id` with the same ordering key and still pending (leased or not): `id` waits for them. */
  async earlierPending(orderingKey: string, id: number, on: SqlExecutor = this.db): Promise<number[]> {
    const rows = await on.query<{ id: number }>(
      "SELECT id FROM deliveries WHERE ordering_key = $1 AND state = 'pending' AND id < $2 ORDER BY id",
      [orderingKey, id],
    );
    return rows.map((row) => row.id);
  }

  /** A row this replica holds (enqueued with `hold`) becomes due now and free, for the passes to deliver in order. */
  async release(id: number, now: number, on: SqlExecutor = this.db): Promise<void> {
    await on.run(
      `UPDATE deliveries SET next_attempt_at = $2, lease_owner = NULL, lease_until = NULL
        WHERE id = $3 AND state = 'pending' AND lease_owner = $1`,
      [this.owner, now, id],
    );
  }

  /**
   * Removes delivered rows, many in one statement: a commit per row would cost more than the delivery. Whoever
   * holds them: a row delivered is done, even when its lease ran out meanwhile.
   */
  async complete(ids: readonly number[], on: SqlExecutor = this.db): Promise<void> {
    if (ids.length === 0) return;
    await on.run(`DELETE FROM deliveries WHERE id IN ${idList(on.dialect, '$1')}`, [JSON.stringify(ids)]);
  }

  /**
   * An attempt failed and the row is tried again at `at` (the caller's backoff): one more attempt counted, its
   * error kept, the lease freed. False when another replica took the row over meanwhile (this attempt's lease ran
   * out): nothing is recorded, the other replica's attempt counts.
   */
  async retry(id: number, at: number, error: string, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(
      `UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $3, last_error = $4, lease_owner = NULL,
          lease_until = NULL
        WHERE id = $5 AND state = 'pending' AND ${NOT_HELD_BY_OTHERS}`,
      [this.owner, now, at, error, id],
    );
    return rowCount === 1;
  }

  /**
   * Given up: kept with its last error for inspection, and no longer holding back its ordering key. False when
   * another replica holds the row (see retry).
   */
  async giveUp(id: number, error: string, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(
      `UPDATE deliveries SET attempts = attempts + 1, state = 'failed', last_error = $3, lease_owner = NULL,
          lease_until = NULL
        WHERE id = $4 AND state = 'pending' AND ${NOT_HELD_BY_OTHERS}`,
      [this.owner, now, error, id],
    );
    return rowCount === 1;
  }

  /**
   * Records progress inside a delivery (the steps still to do), so a retry does not repeat the done ones. False
   * when another replica holds the row.
   */
  async updatePayload(id: number, payload: unknown, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(`UPDATE deliveries SET payload = $3 WHERE id = $4 AND ${NOT_HELD_BY_OTHERS}`, [
      this.owner,
      now,
      JSON.stringify(payload),
      id,
    ]);
    return rowCount === 1;
  }

  /**
   * Everything pending becomes due now: after a restart, waiting out an old backoff helps nobody. On a database
   * this process has alone (SQLite), the leases found are a previous process's and are freed too; on a shared one
   * the other replicas' leases are theirs.
   */
  async makeAllDue(now: number, on: SqlExecutor = this.db): Promise<void> {
    await on.run("UPDATE deliveries SET next_attempt_at = $1 WHERE state = 'pending' AND next_attempt_at > $1", [now]);
    if (this.exclusive) {
      await on.run(
        "UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE state = 'pending' AND lease_owner IS NOT NULL",
      );
    }
  }

  /** Pending rows of `kind` enqueued before `createdBefore` that nobody else holds now (to give up as too old). */
  async pendingOlderThan(
    kind: string,
    createdBefore: number,
    now: number,
    on: SqlExecutor = this.db,
  ): Promise<Delivery[]> {
    const rows = await on.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM deliveries
        WHERE state = 'pending' AND kind = $3 AND created_at < $4 AND ${NOT_HELD_BY_OTHERS} ORDER BY id`,
      [this.owner, now, kind, createdBefore],
    );
    return rows.map(fromRow);
  }

  /** How many rows are pending, leased or not: the outbox's depth. */
  async depth(on: SqlExecutor = this.db): Promise<number> {
    const [row] = await on.query<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE state = 'pending'");
    return row!.n;
  }

  /** When the oldest pending row was enqueued, leaving out `skip` (rows delivered but not removed yet). */
  async oldestPendingAt(skip: readonly number[] = [], on: SqlExecutor = this.db): Promise<number | undefined> {
    const rows = await on.query<{ id: number; created_at: number }>(
      "SELECT id, created_at FROM deliveries WHERE state = 'pending' ORDER BY id LIMIT $1",
      [skip.length + 1],
    );
    return rows.find((row) => !skip.includes(row.id))?.created_at;
  }

  /**
   * When a pass may next find a row to lease: the earliest time a pending row is due and its lease (if any) ran
   * out. Undefined when nothing is pending.
   */
  async nextDueAt(on: SqlExecutor = this.db): Promise<number | undefined> {
    const [row] = await on.query<{ at: number | null }>(`
      SELECT min(CASE WHEN lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END) AS at
      FROM deliveries WHERE state = 'pending'`);
    return row?.at ?? undefined;
  }
}
