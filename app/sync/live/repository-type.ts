/**
 * `repositoryType` on live events: a resync syncs only the repositories the organization's configuration's type
 * takes (public, private, forks, sources), so an event about a repository it leaves out (or about an object in one)
 * must write nothing, or the catalog would hold what the next resync deletes as stale. The payload's repository says
 * what the type looks at (`private`, `fork`); the organization's configuration says the type, as in a resync.
 */
import { repositoryTypeTakes } from '../kinds/index.ts';
import { SyncContext } from '../sync-context.ts';

/** What `repositoryType` looks at, as every webhook's repository carries it. */
export interface RepositoryVisibility {
  private: boolean;
  fork: boolean;
}

/** The visibility of a webhook's repository; undefined when the payload does not say (a summary, a ref). */
export function visibilityOf(repository: unknown): RepositoryVisibility | undefined {
  const fields = repository as { private?: unknown; fork?: unknown } | null | undefined;
  if (typeof fields?.private !== 'boolean') return undefined;
  return { private: fields.private, fork: fields.fork === true };
}

/**
 * Whether the organization's `repositoryType` leaves `repository` out. A repository whose visibility the payload
 * does not carry is taken: the resync is the one to judge it.
 */
export async function typeLeavesOut(
  ctx: SyncContext,
  installationId: number,
  owner: string,
  repository: unknown,
): Promise<boolean> {
  const visibility = visibilityOf(repository);
  if (!visibility) return false;
  return !repositoryTypeTakes(await repositoryTypeOf(ctx, installationId, owner), visibility);
}

/** The organization's `repositoryType`, read only when the cache no longer knows the configuration. */
export async function repositoryTypeOf(ctx: SyncContext, installationId: number, owner: string) {
  const known = ctx.configs.cachedOrganization(owner);
  if (known) return known.config.repositoryType;
  const reader = await ctx.reader(installationId, ctx.settings.liveRateLimits);
  return (await ctx.configs.organization(owner, SyncContext.configFiles(reader))).config.repositoryType;
}
