/**
 * One full resync of an installation: its repositories page by page (100 and their files in one GraphQL call),
 * mapped and written with the bulk route, the GraphQL cursor saved after each page so that a resync cut short
 * (the process stopped or died) goes on from there. Only when every page was read and written without an error
 * are the entities it did not see again deleted (stale-entities.ts).
 */
import type { ActiveConfig } from '../config/active-config.ts';
import { SyncContext, writeOptionsOf } from '../sync-context.ts';
import { mapFetchedRepositories, batchFiles } from '../repositories/map-repositories.ts';
import type { ResyncRecord } from '../store/sync-store.ts';
import { stalePlan } from './stale-entities.ts';
import type { GitopsResync } from '../gitops/gitops-resync.ts';

/** Errors named in the log for one page; the rest are counted. */
const LOGGED_ERRORS_PER_PAGE = 5;

export class ResyncAborted extends Error {
  constructor() {
    super('the resync was stopped; it goes on from its last page when the App starts again');
    this.name = 'ResyncAborted';
  }
}

export async function runResync(
  ctx: SyncContext,
  record: ResyncRecord,
  signal: AbortSignal,
  gitops: GitopsResync,
): Promise<ResyncRecord> {
  const { installationId, owner } = record;
  const writer = ctx.writer;
  try {
    if (!writer) throw new Error('catalog sync has not started (no Port client yet)');
    const reader = await ctx.reader(installationId, ctx.settings.resyncRateLimits, signal);
    const organization: ActiveConfig = await ctx.configs.organization(owner, SyncContext.configFiles(reader));
    const gitopsPaths = gitops.rootPaths(organization);
    const paths = [...new Set([...batchFiles(organization), ...gitopsPaths])];
    let cursor = record.cursor;
    for (;;) {
      if (signal.aborted) throw new ResyncAborted();
      const page = await reader.page(owner, cursor, paths, ctx.settings.pageSize);
      if (signal.aborted) throw new ResyncAborted();
      const batch = await mapFetchedRepositories(ctx, reader, owner, organization, page.repositories);
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
        page.repositories,
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
      ctx.store.checkpoint(
        record.id,
        { cursor, repositories: page.repositories.length, entities: written, errors: errors.length },
        Date.now(),
      );
      if (!page.hasNextPage) break;
    }

    const done = ctx.store.resync(record.id)!;
    if (done.errors > 0) {
      const message = `${done.repositories} repositories, ${done.entities} entities written, ${done.errors} errors: nothing deleted after a resync with errors`;
      ctx.store.finishResync(record.id, 'completed', message, 0, Date.now());
      ctx.warn(`resync of ${owner}: ${message}`);
      return ctx.store.resync(record.id)!;
    }
    const plan = stalePlan(
      ctx.store.resyncCoveredRows(installationId, gitops.covers(organization)),
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
    ctx.store.finishResync(
      record.id,
      'completed',
      `${done.repositories} repositories, ${done.entities} entities written, ${deleted} deleted${skippedNote}`,
      deleted,
      Date.now(),
    );
    return ctx.store.resync(record.id)!;
  } catch (error) {
    // Stopped: the record stays running, to go on from its cursor at the next start.
    if (signal.aborted) throw new ResyncAborted();
    const message = error instanceof Error ? error.message : String(error);
    ctx.store.finishResync(record.id, 'failed', message, 0, Date.now());
    ctx.warn(`resync of ${owner} failed (nothing deleted): ${message}`);
    return ctx.store.resync(record.id)!;
  }
}
