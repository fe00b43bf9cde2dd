/**
 * Resync pages for kinds GitHub only lists per repository over REST (workflows, workflow runs): a page reads a
 * bounded number of repositories, and its cursor is the name of the repository the next page starts at, so that a
 * resync resumed after repositories came or went goes on near where it was instead of at a shifted position.
 */
import type { KindObject, RepositoryRef, ResyncPage, ResyncReads } from './kind-definition.ts';

/** Where `cursor` (a repository name) is in `repositories` (name order): its own place, or the next name's. */
function startOf(repositories: readonly RepositoryRef[], cursor: string | null): number {
  if (cursor === null) return 0;
  const exact = repositories.findIndex((repository) => repository.name === cursor);
  if (exact >= 0) return exact;
  const wanted = cursor.toLowerCase();
  const next = repositories.findIndex((repository) => repository.name.toLowerCase() > wanted);
  return next >= 0 ? next : repositories.length;
}

/** One page of `perPage` repositories from `cursor`, each read with `read`. */
export async function repositoryWalkPage(
  reads: ResyncReads,
  cursor: string | null,
  perPage: number,
  read: (repository: RepositoryRef) => Promise<KindObject[]>,
): Promise<ResyncPage> {
  const repositories = await reads.repositories();
  const start = startOf(repositories, cursor);
  const objects: KindObject[] = [];
  for (const repository of repositories.slice(start, start + perPage)) objects.push(...(await read(repository)));
  return { objects, next: repositories[start + perPage]?.name ?? null };
}

/** Whether a REST read failed because the object is not there (a repository deleted since it was listed). */
export function isNotFound(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 404;
}

/**
 * Every item of a REST list answer whose items are under `key` (`{ total_count, workflows: [...] }`), following its
 * Link header for at most `maxPages` pages; a next page that asks for the same parameters again ends the list.
 */
export async function restList<T>(
  reads: Pick<ResyncReads, 'restPage'>,
  route: string,
  parameters: Record<string, unknown>,
  key: string,
  maxPages: number,
): Promise<{ items: T[]; total: number | null }> {
  const items: T[] = [];
  let total: number | null = null;
  let current: Record<string, unknown> = parameters;
  const seen = new Set<string>();
  for (let page = 0; page < maxPages; page++) {
    seen.add(JSON.stringify(current));
    const answer = await reads.restPage<Record<string, unknown>>(route, current);
    const list = answer.data[key];
    if (Array.isArray(list)) items.push(...(list as T[]));
    if (total === null && typeof answer.data.total_count === 'number') total = answer.data.total_count;
    if (!answer.next) break;
    const next = { ...parameters, ...answer.next };
    if (seen.has(JSON.stringify(next))) break;
    current = next;
  }
  return { items, total };
}
