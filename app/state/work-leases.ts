/**
 * Work that runs on one replica at a time (migration 6): a named lease, held by one owner (a replica) until a
 * time. A replica takes a lease before the work and renews it while the work runs; a replica that died stops
 * renewing, and once its lease ran out another takes it over. Each operation is one statement, so of replicas
 * racing for a lease exactly one gets it.
 */
import type { SqlDatabase, SqlExecutor } from '../../src/sql/index.ts';

export class WorkLeases {
  /** This replica's name (the same as its outbox leases'). */
  readonly owner: string;
  private readonly db: SqlDatabase;

  constructor(db: SqlDatabase, owner: string) {
    this.db = db;
    this.owner = owner;
  }

  /**
   * Takes the lease `name` until now + ttlMs: true when it was free, ran out, or was already this owner's (then
   * extended); false while another owner holds it.
   */
  async acquire(name: string, ttlMs: number, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run(
      `INSERT INTO work_leases (name, owner, until) VALUES ($1, $2, $3)
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
        WHERE work_leases.owner = $2 OR work_leases.until <= $4`,
      [name, this.owner, now + ttlMs, now],
    );
    return rowCount === 1;
  }

  /**
   * Extends this owner's lease to now + ttlMs; false when this owner no longer holds it (another took it over, or
   * it was released). A lease that ran out but that nobody took over is still this owner's, and is extended.
   */
  async renew(name: string, ttlMs: number, now: number, on: SqlExecutor = this.db): Promise<boolean> {
    const { rowCount } = await on.run('UPDATE work_leases SET until = $1 WHERE name = $2 AND owner = $3', [
      now + ttlMs,
      name,
      this.owner,
    ]);
    return rowCount === 1;
  }

  /** Gives the lease up, when this owner holds it (another's is left alone). */
  async release(name: string, on: SqlExecutor = this.db): Promise<void> {
    await on.run('DELETE FROM work_leases WHERE name = $1 AND owner = $2', [name, this.owner]);
  }

  /** Who holds the lease at `now`: undefined when nobody does (never taken, released, or run out). */
  async holder(name: string, now: number, on: SqlExecutor = this.db): Promise<string | undefined> {
    const [row] = await on.query<{ owner: string }>('SELECT owner FROM work_leases WHERE name = $1 AND until > $2', [
      name,
      now,
    ]);
    return row?.owner;
  }
}
