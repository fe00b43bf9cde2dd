/**
 * One full resync of an installation: its repositories page by page (100 and their files in one GraphQL call),
 * mapped and written with the bulk route, the GraphQL cursor saved after each page so that a resync cut short
 * (the process stopped or died) goes on from there. Only when every page was read and written without an error
 * are the entities it did not see again deleted (stale-entities.ts). A resync runs under its installation's lease
 * (resyncs.ts): each checkpoint and its end are written with the lease renewed in the same transaction, so a
 * replica that lost the lease to another writes nothing more.
 */
import type { SqlExecutor } from '../../../src/sql/index.ts';
import type { ResyncRecord } from '../../state/index.ts';
import type { ActiveConfig } from '../config/active-config.ts';
import { SyncContext, writeOptionsOf } from '../sync-context.ts';
import { mapFetchedRepositories, batchFiles } from '../repositories/map-repositories.ts';
import { stalePlan } from './stale-entities.ts';
import { decodeCursor, encodeCursor, type KindPageOutcome, kindPhases, resyncKindPage } from './kind-phases.ts';
import { kindReads, type RepositoryRef, repositoryTypeTakes, resyncReads } from '../kinds/index.ts';
import { resyncScope } from '../kinds/kind-reads.ts';
import type { GithubUsage } from '../github/graphql-reader.ts';
import type { GitopsResync } from '../gitops/gitops-resync.ts';

/** Errors named in the log for one page; the rest are counted. */
const LOGGED_ERRORS_PER_PAGE = 5;

export class ResyncAborted extends Error {
  constructor() {
    super('the resync was stopped; it goes on from its last page (at the next start, or on another replica)');
    this.name = 'ResyncAborted';
  }
}

/**
 * Runs (or goes on with, from its cursor) the resync of `record`. `hold`, given the transaction of a checkpoint or
 * of the end, renews the resync's lease in it, or throws (and aborts `signal`) when another replica has it now.
 */
export async function runResync(
  ctx: SyncContext,
  record: ResyncRecord,
  signal: AbortSignal,
  gitops: GitopsResync,
  hold: (on: SqlExecutor) => Promise<void> = async () => {},
): Promise<ResyncRecord> {
  const { installationId, owner } = record;
  const writer = ctx.writer;
  /** Writes of the resync's record, while (and only if) this replica holds its lease. */
  const holding = (work: (tx: SqlExecutor) => Promise<void>): Promise<void> =>
    ctx.state.transaction(async (tx) => {
      await hold(tx);
      await work(tx);
    });
  try {
    if (!writer) throw new Error('catalog sync has not started (no Port client yet)');
    const reader = await ctx.reader(installationId, ctx.settings.resyncRateLimits, signal);
    const organization: ActiveConfig = await ctx.configs.organization(owner, SyncContext.configFiles(reader));
    const gitopsPaths = gitops.rootPaths(organization);
    const paths = [...new Set([...batchFiles(organization), ...gitopsPaths])];
    const phases = kindPhases(organization);
    const reads = resyncReads(
      await kindReads(ctx.reads, installationId, owner, ctx.settings.resyncRateLimits, signal),
      organization.config.repositoryType,
    );
    const usage = new UsageMeter(() => ctx.reads.usage(installationId));
    let position = decodeCursor(record.cursor);
    let cursor = position.phase === 0 ? position.after : null;
    // A resync that reads every page of repositories from the first lists them once: the later phases that need
    // the account's repositories (reads.repositories()) take these rather than listing them again. One resumed
    // past its first page lists them again when a phase asks.
    const listed: RepositoryRef[] | undefined = position.phase === 0 && cursor === null ? [] : undefined;
    for (; position.phase === 0;) {
      if (signal.aborted) throw new ResyncAborted();
      const page = await reader.page(owner, cursor, paths, ctx.settings.pageSize);
      if (signal.aborted) throw new ResyncAborted();
      const taken = page.repositories.filter((fetched) =>
        repositoryTypeTakes(organization.config.repositoryType, fetched.repository),
      );
      for (const { repository } of listed ? taken : []) {
        listed!.push({ id: repository.id, name: repository.name, owner, defaultBranch: repository.default_branch });
      }
      const batch = await mapFetchedRepositories(ctx, reader, owner, organization, taken, resyncScope(reads));
      let written = 0;
      const errors = [...batch.errors];
      for (const group of batch.groups) {
        const outcome = await writer.write(installationId, group.outputs, {
          ...writeOptionsOf(group.config),
          ensureServiceBlueprint: group.config.isDefault,
          reconcile: false,
          resyncId: record.id,
        });
        written += outcome.written;
        errors.push(
          ...outcome.failed.map(
            (failure) => `Port refused ${failure.entity.blueprint}/${failure.entity.identifier}: ${failure.message}`,
          ),
        );
      }
      const gitopsOutcome = await gitops.writePage(
        reader,
        installationId,
        organization,
        taken,
        gitopsPaths,
        record.id,
        signal,
      );
      written += gitopsOutcome.written;
      errors.push(...gitopsOutcome.errors);
      for (const error of errors.slice(0, LOGGED_ERRORS_PER_PAGE)) ctx.warn(`resync of ${owner}: ${error}`);
      if (errors.length > LOGGED_ERRORS_PER_PAGE) {
        ctx.warn(`resync of ${owner}: ${errors.length - LOGGED_ERRORS_PER_PAGE} more errors on this page`);
      }
      cursor = page.endCursor;
      // After the last page of repositories, the checkpoint is the start of the next phase.
      position = page.hasNextPage || phases.length === 0 ? { phase: 0, after: cursor } : { phase: 1, after: null };
      const progress = {
        cursor: encodeCursor(position),
        repositories: taken.length,
        entities: written,
        errors: errors.length,
        github: usage.take(),
      };
      await holding((tx) => ctx.store.checkpoint(record.id, progress, Date.now(), tx));
      if (!page.hasNextPage) {
        if (listed) reads.listed(listed);
        break;
      }
    }

    // The other resources, one phase each, in file order.
    while (position.phase >= 1 && position.phase <= phases.length) {
      if (signal.aborted) throw new ResyncAborted();
      const phase = phases[position.phase - 1]!;
      let outcome: KindPageOutcome;
      try {
        outcome = await resyncKindPage(
          ctx,
          reads,
          reader,
          installationId,
          organization,
          phase,
          position.after,
          record.id,
        );
      } catch (error) {
        if (signal.aborted) throw new ResyncAborted();
        // One resource GitHub or Port will not serve (a permission the installation lacks, a page that keeps
        // failing) does not stop the others; the resync then has an error, so it deletes nothing.
        const message = error instanceof Error ? error.message : String(error);
        outcome = {
          next: null,
          objects: 0,
          written: 0,
          errors: [
            `resources[${phase.resource}] (${phase.kind}): ${message}; the rest of it is left for the next resync`,
          ],
        };
      }
      if (signal.aborted) throw new ResyncAborted();
      for (const error of outcome.errors.slice(0, LOGGED_ERRORS_PER_PAGE)) ctx.warn(`resync of ${owner}: ${error}`);
      if (outcome.errors.length > LOGGED_ERRORS_PER_PAGE) {
        ctx.warn(`resync of ${owner}: ${outcome.errors.length - LOGGED_ERRORS_PER_PAGE} more errors on this page`);
      }
      position = outcome.next
        ? { phase: position.phase, after: outcome.next }
        : { phase: position.phase + 1, after: null };
      const progress = {
        cursor: encodeCursor(position),
        repositories: 0,
        entities: outcome.written,
        errors: outcome.errors.length,
        github: usage.take(),
      };
      await holding((tx) => ctx.store.checkpoint(record.id, progress, Date.now(), tx));
    }

    const done = (await ctx.store.resync(record.id))!;
    if (done.errors > 0) {
      const message = `${done.repositories} repositories, ${done.entities} entities written, ${done.errors} errors: nothing deleted after a resync with errors${usageNote(done)}`;
      await holding((tx) => ctx.store.finishResync(record.id, 'completed', message, 0, Date.now(), tx));
      ctx.warn(`resync of ${owner}: ${message}`);
      return (await ctx.store.resync(record.id))!;
    }
    const covered = new Set<string>(['repository', ...phases.map((phase) => phase.kind)]);
    // Stale entities go only while this replica holds the lease: two replicas never delete for one installation.
    await holding(async () => {});
    const plan = stalePlan(
      await ctx.store.resyncCoveredRows(installationId, gitops.covers(organization), covered),
      done,
      organization.config.entityDeletionThreshold,
    );
    for (const skipped of plan.skipped) {
      ctx.warn(
        `resync of ${owner}: ${skipped.stale} of the ${skipped.tracked} ${skipped.blueprint} entities it wrote before are gone from GitHub; that is more than entityDeletionThreshold (${organization.config.entityDeletionThreshold}), so none is deleted`,
      );
    }
    const deleted = await writer.release(plan.release, organization.config.deleteDependentEntities);
    const skippedNote =
      plan.skipped.length > 0
        ? `; deletion skipped for ${plan.skipped.map((s) => s.blueprint).join(', ')} (threshold)`
        : '';
    const message = `${done.repositories} repositories, ${done.entities} entities written, ${deleted} deleted${skippedNote}${usageNote(done)}`;
    await holding((tx) => ctx.store.finishResync(record.id, 'completed', message, deleted, Date.now(), tx));
    return (await ctx.store.resync(record.id))!;
  } catch (error) {
    // Stopped, or taken over: the record stays running, to go on from its cursor (here at the next start, or on
    // the replica that took it over).
    if (signal.aborted) throw new ResyncAborted();
    const message = error instanceof Error ? error.message : String(error);
    try {
      await holding((tx) => ctx.store.finishResync(record.id, 'failed', message, 0, Date.now(), tx));
    } catch (finishing) {
      if (signal.aborted) throw new ResyncAborted();
      throw finishing;
    }
    ctx.warn(`resync of ${owner} failed (nothing deleted): ${message}`);
    return (await ctx.store.resync(record.id))!;
  }
}

/** GitHub usage of an installation since the last take (so that each page adds what it cost). */
class UsageMeter {
  private readonly read: () => GithubUsage;
  private last: GithubUsage;

  constructor(read: () => GithubUsage) {
    this.read = read;
    this.last = read();
  }

  take(): GithubUsage {
    const now = this.read();
    const used = {
      graphql: now.graphql - this.last.graphql,
      rest: now.rest - this.last.rest,
      points: now.points - this.last.points,
    };
    this.last = now;
    return used;
  }
}

/** `; GitHub: 352 requests (302 GraphQL, 50 REST), 310 points` */
function usageNote(record: ResyncRecord): string {
  const { graphql, rest, points } = record.github;
  return `; GitHub: ${graphql + rest} requests (${graphql} GraphQL, ${rest} REST), ${points} points`;
}
