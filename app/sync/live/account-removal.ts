/**
 * The App leaves an account (uninstalled) or some of its repositories (taken out of the installation): the entities
 * their sources produced are deleted, blueprint by blueprint, unless that would delete more than
 * `entityDeletionThreshold` of the blueprint's entities the App keeps (over all its installations), as a resync's
 * stale deletion does. Such a blueprint's entities are left alone with a warning: those of removed repositories go
 * at the installation's next resync (within its own threshold); those of an uninstalled account stay until a new
 * installation on it writes them again (and so takes them over) or someone deletes them.
 */
import { entityKeyOf, type EntityKey } from '../sources.ts';
import type { TrackedRow } from '../store/sync-store.ts';
import { SyncContext } from '../sync-context.ts';
import { CATALOG_SYNC, type SyncJob } from '../writes/sync-jobs.ts';

/** A blueprint left alone because too many of its entities would go. */
export interface SkippedBlueprint {
  blueprint: string;
  going: number;
  kept: number;
}

/**
 * `going`: the rows that go. An entity goes when no other row claims it (`claims` counts every row of an entity);
 * `kept(blueprint)` is how many entities of the blueprint the App keeps.
 */
export function removalPlan(
  going: readonly TrackedRow[],
  claims: (entity: EntityKey) => number,
  kept: (blueprint: string) => number,
  threshold: number,
): SkippedBlueprint[] {
  const skipped: SkippedBlueprint[] = [];
  for (const [blueprint, rows] of Map.groupBy(going, (row) => row.blueprint)) {
    let entities = 0;
    for (const entityRows of Map.groupBy(rows, (row) => entityKeyOf(row)).values()) {
      if (claims(entityRows[0]!) <= entityRows.length) entities++;
    }
    const total = kept(blueprint);
    if (total > 0 && entities / total > threshold) skipped.push({ blueprint, going: entities, kept: total });
  }
  return skipped;
}

export class AccountRemoval {
  private readonly ctx: SyncContext;

  constructor(ctx: SyncContext) {
    this.ctx = ctx;
  }

  /**
   * The App was uninstalled from `owner`: GitHub no longer answers for the account, so the configuration is the
   * last one known (its threshold and deleteDependentEntities).
   */
  async uninstalled(installationId: number, owner: string): Promise<void> {
    this.ctx.uninstalled.add(installationId);
    const config = await this.ctx.configs.remembered(owner);
    const rows = this.ctx.store.installationRows(installationId);
    this.remove(
      installationId,
      [...new Set([...rows.map((row) => row.repoId), ...this.pendingRepositories(installationId)])],
      rows,
      config.config.entityDeletionThreshold,
      config.config.deleteDependentEntities,
      `the App was uninstalled from ${owner}`,
    );
  }

  /** Repositories taken out of the installation on `owner`. */
  async repositoriesRemoved(installationId: number, owner: string, repoIds: readonly number[]): Promise<void> {
    if (repoIds.length === 0) return;
    const { ctx } = this;
    const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
    const config = await ctx.configs.organization(owner, SyncContext.configFiles(reader));
    this.remove(
      installationId,
      repoIds,
      repoIds.flatMap((repoId) => ctx.store.repositoryRows(repoId)),
      config.config.entityDeletionThreshold,
      config.config.deleteDependentEntities,
      `${repoIds.length} ${repoIds.length === 1 ? 'repository was' : 'repositories were'} removed from the App on ${owner}`,
    );
  }

  /**
   * The repositories of the installation with writes still in the outbox (Port was down, or slow): what they write
   * is deleted too, after them.
   */
  private pendingRepositories(installationId: number): number[] {
    return this.ctx.outbox
      .pendingOlderThan(CATALOG_SYNC, Number.MAX_SAFE_INTEGER)
      .map((delivery) => delivery.payload as SyncJob)
      .filter((job) => job.installationId === installationId)
      .flatMap((job) =>
        job.type === 'write'
          ? job.outputs.map((output) => output.source.repoId)
          : [job.type === 'drop-repository' ? job.repoId : job.source.repoId],
      );
  }

  /** Each repository's rows go in its own order: after the writes of it still in the outbox. */
  private remove(
    installationId: number,
    repoIds: readonly number[],
    going: readonly TrackedRow[],
    threshold: number,
    deleteDependents: boolean,
    what: string,
  ): void {
    const { ctx } = this;
    const skippedBlueprints = removalPlan(
      going,
      (entity) => ctx.store.claims(entity),
      (blueprint) => ctx.store.blueprintEntities(blueprint),
      threshold,
    );
    for (const skipped of skippedBlueprints) {
      ctx.warn(
        `catalog sync: ${what}: deleting its ${skipped.going} ${skipped.blueprint} entities would delete more than entityDeletionThreshold (${threshold}) of the ${skipped.kept} the App keeps, so none is deleted`,
      );
    }
    const keepBlueprints = skippedBlueprints.map((skipped) => skipped.blueprint);
    for (const repoId of repoIds) {
      ctx.enqueue(repoId, { type: 'drop-repository', installationId, repoId, deleteDependents, keepBlueprints });
    }
  }
}
