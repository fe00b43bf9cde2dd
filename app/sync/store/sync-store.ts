/**
 * The tables of catalog sync (migration 2 in app/store/migrations.ts): which source produced which entity, the
 * checkpoints of full resyncs, and the last good port-app-config.yml of each scope.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { inTransaction } from '../../../src/sqlite/index.ts';
import type { EntityKey, SourceKey } from '../sources.ts';

export type ResyncState = 'running' | 'completed' | 'failed';

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

/** A tracked row: one source's claim on one entity. */
export interface TrackedRow extends EntityKey, SourceKey {
  installationId: number;
}

type TrackedDbRow = {
  blueprint: string;
  identifier: string;
  kind: string;
  repo_id: number;
  item: string;
  installation_id: number;
};

const trackedFromRow = (row: TrackedDbRow): TrackedRow => ({
  blueprint: row.blueprint,
  identifier: row.identifier,
  kind: row.kind as TrackedRow['kind'],
  repoId: row.repo_id,
  item: row.item,
  installationId: row.installation_id,
});

/** What a page of a resync adds to its run's counts. */
export interface ResyncProgress {
  cursor: string | null;
  repositories: number;
  entities: number;
  errors: number;
  /** GitHub usage of this page. */
  github?: { graphql: number; rest: number; points: number };
}

export class SyncStore {
  private readonly db: DatabaseSync;
  private readonly statements: Record<string, StatementSync>;

  constructor(db: DatabaseSync) {
    this.db = db;
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      track: prepare(`INSERT INTO sync_entities (blueprint, identifier, kind, repo_id, item, installation_id,
          seen_resync, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (blueprint, identifier, kind, repo_id, item) DO UPDATE SET
          installation_id = excluded.installation_id,
          seen_resync = coalesce(excluded.seen_resync, sync_entities.seen_resync),
          updated_at = excluded.updated_at`),
      untrack: prepare(
        'DELETE FROM sync_entities WHERE blueprint = ? AND identifier = ? AND kind = ? AND repo_id = ? AND item = ?',
      ),
      claims: prepare('SELECT count(*) AS n FROM sync_entities WHERE blueprint = ? AND identifier = ?'),
      source: prepare('SELECT * FROM sync_entities WHERE repo_id = ? AND kind = ? AND item = ?'),
      repository: prepare('SELECT * FROM sync_entities WHERE repo_id = ?'),
      installation: prepare('SELECT * FROM sync_entities WHERE installation_id = ?'),
      blueprintEntities: prepare(
        'SELECT count(*) AS n FROM (SELECT DISTINCT identifier FROM sync_entities WHERE blueprint = ?)',
      ),
      covered: prepare(`SELECT * FROM sync_entities WHERE installation_id = ?`),
      keepGitops: prepare(`UPDATE sync_entities SET seen_resync = ?
        WHERE installation_id = ? AND repo_id = ? AND kind = 'gitops'`),
      startResync: prepare(`INSERT INTO sync_resyncs (installation_id, owner, reason, state, started_at, updated_at)
        VALUES (?, ?, ?, 'running', ?, ?)`),
      resync: prepare('SELECT * FROM sync_resyncs WHERE id = ?'),
      running: prepare("SELECT * FROM sync_resyncs WHERE state = 'running' ORDER BY id"),
      latest: prepare('SELECT * FROM sync_resyncs WHERE installation_id = ? ORDER BY id DESC LIMIT 1'),
      checkpoint: prepare(`UPDATE sync_resyncs SET cursor = ?, pages = pages + 1,
          repositories = repositories + ?, entities = entities + ?, errors = errors + ?,
          github_graphql = github_graphql + ?, github_rest = github_rest + ?, github_points = github_points + ?,
          updated_at = ?
        WHERE id = ?`),
      finish: prepare(`UPDATE sync_resyncs SET state = ?, message = ?, deleted = ?, updated_at = ?, ended_at = ?
        WHERE id = ?`),
      listing: prepare('SELECT commit_id, patterns, paths FROM sync_listings WHERE repo_id = ?'),
      saveListing: prepare(`INSERT INTO sync_listings (repo_id, commit_id, patterns, paths) VALUES (?, ?, ?, ?)
        ON CONFLICT (repo_id) DO UPDATE SET commit_id = excluded.commit_id, patterns = excluded.patterns,
          paths = excluded.paths`),
      lastGoodConfig: prepare('SELECT source, text FROM sync_configs WHERE scope = ?'),
      forgetConfig: prepare('DELETE FROM sync_configs WHERE scope = ?'),
      saveGoodConfig: prepare(`INSERT INTO sync_configs (scope, source, text, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (scope) DO UPDATE SET source = excluded.source, text = excluded.text,
          updated_at = excluded.updated_at`),
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Sources and their entities

  /** Records that `source` produced `entities`; `resyncId` marks them seen by that resync. */
  track(source: SourceKey, installationId: number, entities: readonly EntityKey[], now: number, resyncId?: number) {
    for (const entity of entities) {
      this.statements.track!.run(
        entity.blueprint,
        entity.identifier,
        source.kind,
        source.repoId,
        source.item,
        installationId,
        resyncId ?? null,
        now,
      );
    }
  }

  untrack(row: EntityKey & SourceKey): void {
    this.statements.untrack!.run(row.blueprint, row.identifier, row.kind, row.repoId, row.item);
  }

  /** How many sources claim the entity. */
  claims(entity: EntityKey): number {
    return (this.statements.claims!.get(entity.blueprint, entity.identifier) as { n: number }).n;
  }

  sourceRows(source: SourceKey): TrackedRow[] {
    return (this.statements.source!.all(source.repoId, source.kind, source.item) as TrackedDbRow[]).map(trackedFromRow);
  }

  /** Every row of a repository, of every kind. */
  repositoryRows(repoId: number): TrackedRow[] {
    return (this.statements.repository!.all(repoId) as TrackedDbRow[]).map(trackedFromRow);
  }

  /** Every row of an installation's sources (an account the App was uninstalled from). */
  installationRows(installationId: number): TrackedRow[] {
    return (this.statements.installation!.all(installationId) as TrackedDbRow[]).map(trackedFromRow);
  }

  /** How many entities of the blueprint the App keeps, over all its installations. */
  blueprintEntities(blueprint: string): number {
    return (this.statements.blueprintEntities!.get(blueprint) as { n: number }).n;
  }

  /**
   * The rows a full resync of the installation stands for: the rows of every kind it read (`kinds`; repositories
   * always), and the GitOps rows of the files it looks for (`coversGitops` of their path), with when each was last
   * written and by which resync.
   */
  resyncCoveredRows(
    installationId: number,
    coversGitops: (path: string) => boolean,
    kinds: ReadonlySet<string> = new Set(['repository']),
  ): Array<TrackedRow & { seenResync: number | null; updatedAt: number }> {
    const rows = this.statements.covered!.all(installationId) as Array<
      TrackedDbRow & { seen_resync: number | null; updated_at: number }
    >;
    return rows
      .filter((row) => (row.kind === 'gitops' ? coversGitops(row.item) : kinds.has(row.kind)))
      .map((row) => ({ ...trackedFromRow(row), seenResync: row.seen_resync, updatedAt: row.updated_at }));
  }

  /** Marks every GitOps row of a repository seen by `resyncId`: a resync that could not list all its files keeps them. */
  keepGitops(installationId: number, repoId: number, resyncId: number): void {
    this.statements.keepGitops!.run(resyncId, installationId, repoId);
  }

  transaction<T>(work: () => T): T {
    return inTransaction(this.db, work);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Resyncs

  startResync(installationId: number, owner: string, reason: string, now: number): ResyncRecord {
    const { lastInsertRowid } = this.statements.startResync!.run(installationId, owner, reason, now, now);
    return this.resync(Number(lastInsertRowid))!;
  }

  resync(id: number): ResyncRecord | undefined {
    const row = this.statements.resync!.get(id) as ResyncRow | undefined;
    return row ? resyncFromRow(row) : undefined;
  }

  latestResync(installationId: number): ResyncRecord | undefined {
    const row = this.statements.latest!.get(installationId) as ResyncRow | undefined;
    return row ? resyncFromRow(row) : undefined;
  }

  /** Resyncs that were running when the last process stopped (or are running now). */
  runningResyncs(): ResyncRecord[] {
    return (this.statements.running!.all() as ResyncRow[]).map(resyncFromRow);
  }

  /** A page was written: its cursor becomes the point to go on from. */
  checkpoint(id: number, progress: ResyncProgress, now: number): void {
    this.statements.checkpoint!.run(
      progress.cursor,
      progress.repositories,
      progress.entities,
      progress.errors,
      progress.github?.graphql ?? 0,
      progress.github?.rest ?? 0,
      progress.github?.points ?? 0,
      now,
      id,
    );
  }

  finishResync(id: number, state: Exclude<ResyncState, 'running'>, message: string, deleted: number, now: number) {
    this.statements.finish!.run(state, message, deleted, now, now, id);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Tree listings

  /** The GitOps paths a tree read of the repository found at `commit` under `patterns`, if it was listed so. */
  listing(repoId: number): { commit: string; patterns: string; paths: string[] } | undefined {
    const row = this.statements.listing!.get(repoId) as
      { commit_id: string; patterns: string; paths: string } | undefined;
    return row
      ? { commit: row.commit_id, patterns: row.patterns, paths: JSON.parse(row.paths) as string[] }
      : undefined;
  }

  saveListing(repoId: number, listing: { commit: string; patterns: string; paths: readonly string[] }): void {
    this.statements.saveListing!.run(repoId, listing.commit, listing.patterns, JSON.stringify(listing.paths));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Configurations

  lastGoodConfig(scope: string): { source: string; text: string } | undefined {
    return this.statements.lastGoodConfig!.get(scope) as { source: string; text: string } | undefined;
  }

  saveGoodConfig(scope: string, source: string, text: string, now: number): void {
    this.statements.saveGoodConfig!.run(scope, source, text, now);
  }

  /** The scope has no file any more: a broken file added later must not bring back an old one. */
  forgetConfig(scope: string): void {
    this.statements.forgetConfig!.run(scope);
  }
}
