/**
 * The App leaves an account (uninstalled) or some of its repositories (taken out of the installation): the entities
 * their sources produced are deleted, blueprint by blueprint, unless that would delete more than
 * `entityDeletionThreshold` of the blueprint's entities the App keeps (over all its installations), as a resync's
 * stale deletion does. Such a blueprint's entities are left alone with a warning: those of removed repositories go
 * at the installation's next resync (within its own threshold); those of an uninstalled account stay until a new
 * installation on it writes them again (and so takes them over) or someone deletes them.
 */
import { entityKeyOf, type EntityKey } from '../sources.ts';
import type { TrackedRow } from '../../state/index.ts';
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
    const rows = await this.ctx.store.installationRows(installationId);
    await this.remove(
      installationId,
      [...new Set([...rows.map((row) => row.repoId), ...(await this.pendingRepositories(installationId))])],
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
    const going: TrackedRow[] = [];
    for (const repoId of repoIds) going.push(...(await ctx.store.repositoryRows(repoId)));
    await this.remove(
      installationId,
      repoIds,
      going,
      config.config.entityDeletionThreshold,
      config.config.deleteDependentEntities,
      `${repoIds.length} ${repoIds.length === 1 ? 'repository was' : 'repositories were'} removed from the App on ${owner}`,
    );
  }

  /**
   * The repositories of the installation with writes still in the outbox (Port was down, or slow): what they write
   * is deleted too, after them. Every replica's: at the end of time, no lease holds a row any more.
   */
  private async pendingRepositories(installationId: number): Promise<number[]> {
    const endOfTime = Number.MAX_SAFE_INTEGER;
    return (await this.ctx.outbox.pendingOlderThan(CATALOG_SYNC, endOfTime, endOfTime))
      .map((delivery) => delivery.payload as SyncJob)
      .filter((job) => job.installationId === installationId)
      .flatMap((job) =>
        job.type === 'write'
          ? job.outputs.map((output) => output.source.repoId)
          : [job.type === 'drop-repository' ? job.repoId : job.source.repoId],
      );
  }

  /** Each repository's rows go in its own order: after the writes of it still in the outbox. */
  private async remove(
    installationId: number,
    repoIds: readonly number[],
    going: readonly TrackedRow[],
    threshold: number,
    deleteDependents: boolean,
    what: string,
  ): Promise<void> {
    const { ctx } = this;
    // The counts removalPlan asks for, read first: one per entity and one per blueprint.
    const claims = new Map<string, number>();
    const kept = new Map<string, number>();
    for (const row of going) {
      const key = entityKeyOf(row);
      if (!claims.has(key)) claims.set(key, await ctx.store.claims(row));
      if (!kept.has(row.blueprint)) kept.set(row.blueprint, await ctx.store.blueprintEntities(row.blueprint));
    }
    const skippedBlueprints = removalPlan(
      going,
      (entity) => claims.get(entityKeyOf(entity))!,
      (blueprint) => kept.get(blueprint)!,
      threshold,
    );
    for (const skipped of skippedBlueprints) {
      ctx.warn(
        `catalog sync: ${what}: deleting its ${skipped.going} ${skipped.blueprint} entities would delete more than entityDeletionThreshold (${threshold}) of the ${skipped.kept} the App keeps, so none is deleted`,
      );
    }
    const keepBlueprints = skippedBlueprints.map((skipped) => skipped.blueprint);
    for (const repoId of repoIds) {
      await ctx.enqueue(repoId, { type: 'drop-repository', installationId, repoId, deleteDependents, keepBlueprints });
    }
  }
}
