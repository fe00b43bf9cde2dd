/**
 * The state of catalog sync (migrations 2 and 3): which source produced which entity, the checkpoints of full
 * resyncs, the GitOps files each repository's tree listing found, and the last good port-app-config.yml of each
 * scope, on either engine.
 */
import type { Dialect, SqlDatabase, SqlExecutor, SqlTransaction } from '../../src/sql/index.ts';
import type { EntityKey, SourceKey } from '../sync/sources.ts';

export type ResyncState = 'running' | 'completed' | 'failed';

/** One full resync of an installation, as recorded (sync_resyncs). */
export interface ResyncRecord {
  id: number;
  installationId: number;
  owner: string;
  reason: string;
  state: ResyncState;
  cursor: string | null;
  pages: number;
  repositories: number;
  entities: number;
  errors: number;
  deleted: number;
  message: string | null;
  /** GitHub requests the resync sent (GraphQL, REST) and the GraphQL points they cost. */
  github: { graphql: number; rest: number; points: number };
  startedAt: number;
  updatedAt: number;
  endedAt: number | null;
}

/** What a page of a resync adds to its run's counts. */
export interface ResyncProgress {
  cursor: string | null;
  repositories: number;
  entities: number;
  errors: number;
  /** GitHub usage of this page. */
  github?: { graphql: number; rest: number; points: number };
}

/** A tracked row: one source's claim on one entity. */
export interface TrackedRow extends EntityKey, SourceKey {
  installationId: number;
}

type ResyncRow = {
  id: number;
  installation_id: number;
  owner: string;
  reason: string;
  state: ResyncState;
  cursor: string | null;
  pages: number;
  repositories: number;
  entities: number;
  errors: number;
  deleted: number;
  message: string | null;
  github_graphql: number;
  github_rest: number;
  github_points: number;
  started_at: number;
  updated_at: number;
  ended_at: number | null;
};

const resyncFromRow = (row: ResyncRow): ResyncRecord => ({
  id: row.id,
  installationId: row.installation_id,
  owner: row.owner,
  reason: row.reason,
  state: row.state,
  cursor: row.cursor,
  pages: row.pages,
  repositories: row.repositories,
  entities: row.entities,
  errors: row.errors,
  deleted: row.deleted,
  message: row.message,
  github: { graphql: row.github_graphql, rest: row.github_rest, points: row.github_points },
  startedAt: row.started_at,
  updatedAt: row.updated_at,
  endedAt: row.ended_at,
});

type TrackedDbRow = {
  blueprint: string;
  identifier: string;
  kind: string;
  repo_id: number;
  item: string;
  installation_id: number;
  seen_resync: number | null;
  updated_at: number;
};

const trackedFromRow = (row: TrackedDbRow): TrackedRow => ({
  blueprint: row.blueprint,
  identifier: row.identifier,
  kind: row.kind as TrackedRow['kind'],
  repoId: row.repo_id,
  item: row.item,
  installationId: row.installation_id,
});

const TRACKED = 'blueprint, identifier, kind, repo_id, item, installation_id, seen_resync, updated_at';

/** Rows in a stable order on both engines. */
const TRACKED_ORDER = 'ORDER BY blueprint, identifier, kind, repo_id, item';

/** Entities tracked per statement: one JSON parameter each, well within either engine's limits. */
const TRACK_CHUNK = 500;

/**
 * One source's entities, sent as one JSON parameter ($1, `[[blueprint, identifier], ...]`), each row inserted or
 * updated: seen_resync kept when this write is not a resync's.
 */
const TRACK: Record<Dialect, string> = {
  postgres: `
    INSERT INTO sync_entities (${TRACKED})
    SELECT e->>0, e->>1, CAST($2 AS TEXT), CAST($3 AS BIGINT), CAST($4 AS TEXT), CAST($5 AS BIGINT),
      CAST($6 AS BIGINT), CAST($7 AS BIGINT)
    FROM jsonb_array_elements($1::jsonb) AS e
    ON CONFLICT (blueprint, identifier, kind, repo_id, item) DO UPDATE SET
      installation_id = excluded.installation_id,
      seen_resync = coalesce(excluded.seen_resync, sync_entities.seen_resync),
      updated_at = excluded.updated_at`,
  // WHERE true: SQLite reads ON CONFLICT after a SELECT without a WHERE as part of the SELECT.
  sqlite: `
    INSERT INTO sync_entities (${TRACKED})
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), $2, $3, $4, $5, $6, $7
    FROM json_each($1) WHERE true
    ON CONFLICT (blueprint, identifier, kind, repo_id, item) DO UPDATE SET
      installation_id = excluded.installation_id,
      seen_resync = coalesce(excluded.seen_resync, sync_entities.seen_resync),
      updated_at = excluded.updated_at`,
};

export class SyncState {
  private readonly db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.db = db;
  }

  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Sources and their entities

  /** Records that `source` produced `entities`; `resyncId` marks them seen by that resync. */
  async track(
    source: SourceKey,
    installationId: number,
    entities: readonly EntityKey[],
    now: number,
    resyncId?: number,
    on: SqlExecutor = this.db,
  ): Promise<void> {
    // One row per entity: PostgreSQL refuses a statement that would update one row twice.
    const keys = [...new Map(entities.map((e) => [`${e.blueprint}\n${e.identifier}`, e])).values()];
    for (let start = 0; start < keys.length; start += TRACK_CHUNK) {
      const chunk = keys.slice(start, start + TRACK_CHUNK).map((e) => [e.blueprint, e.identifier]);
      await on.run(TRACK[on.dialect], [
        JSON.stringify(chunk),
        source.kind,
        source.repoId,
        source.item,
        installationId,
        resyncId ?? null,
        now,
      ]);
    }
  }

  async untrack(row: EntityKey & SourceKey, on: SqlExecutor = this.db): Promise<void> {
    await on.run(
      'DELETE FROM sync_entities WHERE blueprint = $1 AND identifier = $2 AND kind = $3 AND repo_id = $4 AND item = $5',
      [row.blueprint, row.identifier, row.kind, row.repoId, row.item],
    );
  }

  /** How many sources claim the entity. */
  async claims(entity: EntityKey, on: SqlExecutor = this.db): Promise<number> {
    const [row] = await on.query<{ n: number }>(
      'SELECT count(*) AS n FROM sync_entities WHERE blueprint = $1 AND identifier = $2',
      [entity.blueprint, entity.identifier],
    );
    return row!.n;
  }

  async sourceRows(source: SourceKey, on: SqlExecutor = this.db): Promise<TrackedRow[]> {
    return this.tracked('repo_id = $1 AND kind = $2 AND item = $3', [source.repoId, source.kind, source.item], on);
  }

  /** Every row of a repository, of every kind. */
  async repositoryRows(repoId: number, on: SqlExecutor = this.db): Promise<TrackedRow[]> {
    return this.tracked('repo_id = $1', [repoId], on);
  }

  /** Every row of an installation's sources (an account the App was uninstalled from). */
  async installationRows(installationId: number, on: SqlExecutor = this.db): Promise<TrackedRow[]> {
    return this.tracked('installation_id = $1', [installationId], on);
  }

  /** How many entities of the blueprint the App keeps, over all its installations. */
  async blueprintEntities(blueprint: string, on: SqlExecutor = this.db): Promise<number> {
    const [row] = await on.query<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT DISTINCT identifier FROM sync_entities WHERE blueprint = $1) AS entities',
      [blueprint],
    );
    return row!.n;
  }

  /**
   * The rows a full resync of the installation stands for: the rows of every kind it read (`kinds`; repositories
   * always), and the GitOps rows of the files it looks for (`coversGitops` of their path), with when each was last
   * written and by which resync.
   */
  async resyncCoveredRows(
    installationId: number,
    coversGitops: (path: string) => boolean,
    kinds: ReadonlySet<string> = new Set(['repository']),
    on: SqlExecutor = this.db,
  ): Promise<Array<TrackedRow & { seenResync: number | null; updatedAt: number }>> {
    const rows = await on.query<TrackedDbRow>(
      `SELECT ${TRACKED} FROM sync_entities WHERE installation_id = $1 ${TRACKED_ORDER}`,
      [installationId],
    );
    return rows
      .filter((row) => (row.kind === 'gitops' ? coversGitops(row.item) : kinds.has(row.kind)))
      .map((row) => ({ ...trackedFromRow(row), seenResync: row.seen_resync, updatedAt: row.updated_at }));
  }

  /** Marks every GitOps row of a repository seen by `resyncId`: a resync that could not list all its files keeps them. */
  async keepGitops(installationId: number, repoId: number, resyncId: number, on: SqlExecutor = this.db): Promise<void> {
    await on.run(
      "UPDATE sync_entities SET seen_resync = $1 WHERE installation_id = $2 AND repo_id = $3 AND kind = 'gitops'",
      [resyncId, installationId, repoId],
    );
  }

  private async tracked(where: string, params: readonly (string | number)[], on: SqlExecutor): Promise<TrackedRow[]> {
    const rows = await on.query<TrackedDbRow>(
      `SELECT ${TRACKED} FROM sync_entities WHERE ${where} ${TRACKED_ORDER}`,
      params,
    );
    return rows.map(trackedFromRow);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Resyncs

  async startResync(
    installationId: number,
    owner: string,
    reason: string,
    now: number,
    on: SqlExecutor = this.db,
  ): Promise<ResyncRecord> {
    const [row] = await on.query<ResyncRow>(
      `INSERT INTO sync_resyncs (installation_id, owner, reason, state, started_at, updated_at)
        VALUES ($1, $2, $3, 'running', $4, $4) RETURNING *`,
      [installationId, owner, reason, now],
    );
    return resyncFromRow(row!);
  }

  async resync(id: number, on: SqlExecutor = this.db): Promise<ResyncRecord | undefined> {
    const [row] = await on.query<ResyncRow>('SELECT * FROM sync_resyncs WHERE id = $1', [id]);
    return row ? resyncFromRow(row) : undefined;
  }

  async latestResync(installationId: number, on: SqlExecutor = this.db): Promise<ResyncRecord | undefined> {
    const [row] = await on.query<ResyncRow>(
      'SELECT * FROM sync_resyncs WHERE installation_id = $1 ORDER BY id DESC LIMIT 1',
      [installationId],
    );
    return row ? resyncFromRow(row) : undefined;
  }

  /** Resyncs that were running when the last process stopped (or are running now). */
  async runningResyncs(on: SqlExecutor = this.db): Promise<ResyncRecord[]> {
    const rows = await on.query<ResyncRow>("SELECT * FROM sync_resyncs WHERE state = 'running' ORDER BY id");
    return rows.map(resyncFromRow);
  }

  /** A page was written: its cursor becomes the point to go on from. */
  async checkpoint(id: number, progress: ResyncProgress, now: number, on: SqlExecutor = this.db): Promise<void> {
    await on.run(
      `UPDATE sync_resyncs SET cursor = $1, pages = pages + 1,
          repositories = repositories + $2, entities = entities + $3, errors = errors + $4,
          github_graphql = github_graphql + $5, github_rest = github_rest + $6, github_points = github_points + $7,
          updated_at = $8
        WHERE id = $9`,
      [
        progress.cursor,
        progress.repositories,
        progress.entities,
        progress.errors,
        progress.github?.graphql ?? 0,
        progress.github?.rest ?? 0,
        progress.github?.points ?? 0,
        now,
        id,
      ],
    );
  }

  async finishResync(
    id: number,
    state: Exclude<ResyncState, 'running'>,
    message: string,
    deleted: number,
    now: number,
    on: SqlExecutor = this.db,
  ): Promise<void> {
    await on.run(
      'UPDATE sync_resyncs SET state = $1, message = $2, deleted = $3, updated_at = $4, ended_at = $4 WHERE id = $5',
      [state, message, deleted, now, id],
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Tree listings

  /** The GitOps paths a tree read of the repository found at `commit` under `patterns`, if it was listed so. */
  async listing(
    repoId: number,
    on: SqlExecutor = this.db,
  ): Promise<{ commit: string; patterns: string; paths: string[] } | undefined> {
    const [row] = await on.query<{ commit_id: string; patterns: string; paths: string }>(
      'SELECT commit_id, patterns, paths FROM sync_listings WHERE repo_id = $1',
      [repoId],
    );
    return row
      ? { commit: row.commit_id, patterns: row.patterns, paths: JSON.parse(row.paths) as string[] }
      : undefined;
  }

  async saveListing(
    repoId: number,
    listing: { commit: string; patterns: string; paths: readonly string[] },
    on: SqlExecutor = this.db,
  ): Promise<void> {
    await on.run(
      `INSERT INTO sync_listings (repo_id, commit_id, patterns, paths) VALUES ($1, $2, $3, $4)
        ON CONFLICT (repo_id) DO UPDATE SET commit_id = excluded.commit_id, patterns = excluded.patterns,
          paths = excluded.paths`,
      [repoId, listing.commit, listing.patterns, JSON.stringify(listing.paths)],
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Configurations

  async lastGoodConfig(
    scope: string,
    on: SqlExecutor = this.db,
  ): Promise<{ source: string; text: string } | undefined> {
    const [row] = await on.query<{ source: string; text: string }>(
      'SELECT source, text FROM sync_configs WHERE scope = $1',
      [scope],
    );
    return row;
  }

  async saveGoodConfig(
    scope: string,
    source: string,
    text: string,
    now: number,
    on: SqlExecutor = this.db,
  ): Promise<void> {
    await on.run(
      `INSERT INTO sync_configs (scope, source, text, updated_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (scope) DO UPDATE SET source = excluded.source, text = excluded.text,
          updated_at = excluded.updated_at`,
      [scope, source, text, now],
    );
  }

  /** The scope has no file any more: a broken file added later must not bring back an old one. */
  async forgetConfig(scope: string, on: SqlExecutor = this.db): Promise<void> {
    await on.run('DELETE FROM sync_configs WHERE scope = $1', [scope]);
  }
}
