/**
 * What the `file` and `folder` kinds share: the (repository, branch) pairs a selector's patterns name, paged by a
 * cursor that only moves forward; the branch a push must be to for a pattern; blobs read in batched GraphQL queries
 * with their size and sha, together with the REST shape of their repositories.
 */
import { githubMessage } from '../../github/index.ts';
import { matchesAnyGlob } from '../../../src/glob/index.ts';
import { RepositoryReader, type TreeEntry } from '../github/repository-reader.ts';
import {
  type RepositoryNode,
  repositoriesQuery,
  type RestRepository,
  toRestRepository,
} from '../github/repository-query.ts';
import type { RepositoryBranch } from '../mapping/index.ts';
import { type PushChanges, type PushCommits, pushChangesWith } from '../live/push-changes.ts';
import type { KindReads, LiveReads, RepositoryRef, ResyncReads } from './kind-definition.ts';
import { payloadRepository } from './repository-objects.ts';

/** A repository and a branch of it, with the patterns of a selector that read it. */
export interface BranchTarget<P> {
  repository: RepositoryRef;
  branch: string;
  patterns: P[];
}

interface PatternScope {
  repos?: readonly RepositoryBranch[] | null | undefined;
  organization?: string | null | undefined;
  /** The folder kind's branch for every repository of the pattern. */
  branch?: string | null | undefined;
}

/** Whether a pattern's `organization` (when set) is the account being synced. */
export function inOrganization(pattern: PatternScope, owner: string): boolean {
  return !pattern.organization || pattern.organization.toLowerCase() === owner.toLowerCase();
}

/** `path` of a pattern without a leading `./` or `/`, as paths in a repository are written. */
export function patternPath(path: string): string {
  return path.trim().replace(/^(\.\/|\/)+/, '');
}

export function matchesPattern(path: string, pattern: { path: string }): boolean {
  return matchesAnyGlob(path, [patternPath(pattern.path)]);
}

/**
 * The branch of `repository` a pattern reads: the one it names for the repository (or for all of them), else the
 * default branch; undefined when the pattern does not read the repository. Without `repos`, every repository (the
 * caller says which) on its default branch.
 */
export function patternBranch(
  pattern: PatternScope,
  repository: { name: string; defaultBranch: string | null },
): string | null | undefined {
  if (!pattern.repos) return pattern.branch ?? repository.defaultBranch;
  const named = pattern.repos.find((repo) => repo.name.toLowerCase() === repository.name.toLowerCase());
  if (!named) return undefined;
  return named.branch ?? pattern.branch ?? repository.defaultBranch;
}

/** Where an object sits, as its fields say (checked here: they come from objects jq also sees). */
export interface ObjectPlace {
  organization?: unknown;
  repository?: { name?: unknown; default_branch?: unknown } | null | undefined;
  branch?: unknown;
  path?: unknown;
}

/** The first of `patterns` that reads the object at `place` (its account, repository, branch, and path). */
export function patternTaking<P extends PatternScope & { path: string }>(
  patterns: readonly P[],
  place: ObjectPlace,
): P | undefined {
  const { path, branch } = place;
  const name = place.repository?.name;
  const defaultBranch = place.repository?.default_branch;
  if (typeof path !== 'string' || typeof name !== 'string' || typeof branch !== 'string') return undefined;
  const repository = { name, defaultBranch: typeof defaultBranch === 'string' ? defaultBranch : null };
  return patterns.find(
    (pattern) =>
      inOrganization(pattern, String(place.organization ?? '')) &&
      patternBranch(pattern, repository) === branch &&
      matchesPattern(path, pattern),
  );
}

/** Every (repository, branch) the patterns read in the account, in name order; the patterns of each. */
export async function branchTargets<P extends PatternScope>(
  reads: ResyncReads,
  patterns: readonly P[],
): Promise<Array<BranchTarget<P>>> {
  const repositories = await reads.repositories();
  const targets = new Map<string, BranchTarget<P>>();
  for (const pattern of patterns) {
    if (!inOrganization(pattern, reads.owner)) continue;
    const named = pattern.repos && new Set(pattern.repos.map((repo) => repo.name.toLowerCase()));
    for (const repository of repositories) {
      if (named && !named.has(repository.name.toLowerCase())) continue;
      const branch = patternBranch(pattern, repository);
      if (!branch) continue; // an empty repository has no default branch
      const key = targetKey(repository.name, branch);
      let target = targets.get(key);
      if (!target) targets.set(key, (target = { repository, branch, patterns: [] }));
      if (!target.patterns.includes(pattern)) target.patterns.push(pattern);
    }
  }
  return [...targets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, target]) => target);
}

/** A target's place in the order pages walk (a repository name has no `:`; a branch name has none either). */
export function targetKey(name: string, branch: string): string {
  return `${name.toLowerCase()}:${branch}`;
}

/**
 * The targets of one page: from the first whose key is at or after `cursor`, `perPage` of them; `next` is the key
 * of the target after them, always after the cursor, so a resync cannot go round in circles.
 */
export function targetPage<T extends { repository: RepositoryRef; branch: string }>(
  targets: readonly T[],
  cursor: string | null,
  perPage: number,
): { page: T[]; next: string | null } {
  const start = cursor === null ? 0 : targets.findIndex((target) => keyOf(target) >= cursor);
  if (start < 0) return { page: [], next: null };
  const following = targets[start + perPage];
  return { page: targets.slice(start, start + perPage), next: following ? keyOf(following) : null };
}

const keyOf = (target: { repository: RepositoryRef; branch: string }) =>
  targetKey(target.repository.name, target.branch);

/**
 * One tree read of a resync's target (recursive unless told): the entries of `type`; undefined when the read failed.
 * A failed or truncated read is an error in `errors` (so the resync deletes nothing); the resync goes on.
 */
export async function targetTree(
  reads: ResyncReads,
  target: { repository: RepositoryRef; branch: string },
  type: 'blob' | 'tree',
  errors: string[],
  recursive = true,
): Promise<Map<string, TreeEntry> | undefined> {
  const { repository, branch } = target;
  const where = `${repository.owner}/${repository.name}@${branch}`;
  try {
    const reader = new RepositoryReader(reads.graphql, reads.apiUrl, reads.rest);
    const listed = await reader.treeEntries(repository.owner, repository.name, branch, recursive);
    if (listed.truncated) {
      errors.push(`${where}: GitHub listed only part of its tree (it is too large); what it left out is not read`);
    }
    return new Map(listed.entries.filter((entry) => entry.type === type).map((entry) => [entry.path, entry]));
  } catch (error) {
    if (reads.signal?.aborted) throw error;
    errors.push(`${where}: listing its files failed: ${githubMessage(error)}`);
    return undefined;
  }
}

/** A file as GraphQL's Blob answers it. */
export interface BlobAnswer {
  text: string | null;
  byteSize: number;
  oid: string;
  isBinary: boolean | null;
  isTruncated: boolean;
}

export interface BlobRead {
  /** Branch or commit. */
  ref: string;
  path: string;
  /** Its size when a tree listed it, to keep each answer small. */
  size?: number | undefined;
}

export interface RepositoryBlobs {
  /** The repository's REST shape; null when GitHub knows it no more (or `withRepository` was not asked). */
  repository: RestRepository | null;
  /** By `<ref>:<path>`; null: no such file (or a folder or submodule). */
  blobs: Map<string, BlobAnswer | null>;
}

/** Repositories in one query: GitHub's limits on a query's size stay far away. */
const REPOSITORIES_PER_QUERY = 25;
/** Blobs in one query, and their known bytes: an answer stays a few megabytes at most. */
const BLOBS_PER_QUERY = 100;
const BLOB_BYTES_PER_QUERY = 4 * 1024 * 1024;
const BLOB_FIELDS = 'text byteSize oid isBinary isTruncated';

export const blobKey = (ref: string, path: string): string => `${ref}:${path}`;

/**
 * The blobs of each repository (and its REST shape, when `withRepository`), in as few GraphQL queries as the limits
 * above allow: repositories are packed together, and one with many blobs is split over several queries.
 */
export async function readRepositoryBlobs(
  reads: Pick<KindReads, 'graphql' | 'apiUrl'>,
  wanted: ReadonlyArray<{ repository: RepositoryRef; withRepository: boolean; blobs: readonly BlobRead[] }>,
): Promise<RepositoryBlobs[]> {
  const results: RepositoryBlobs[] = wanted.map(() => ({ repository: null, blobs: new Map() }));
  type Part = { index: number; withRepository: boolean; blobs: BlobRead[] };
  let query: Part[] = [];
  let blobs = 0;
  let bytes = 0;

  const send = async () => {
    if (query.length === 0) return;
    const parts = query;
    query = [];
    blobs = 0;
    bytes = 0;
    const { query: text, variables } = repositoriesQuery(
      parts.map((part) => ({
        owner: wanted[part.index]!.repository.owner,
        name: wanted[part.index]!.repository.name,
        expressions: part.blobs.map((blob) => blobKey(blob.ref, blob.path)),
        filesOnly: !part.withRepository,
        blobFields: BLOB_FIELDS,
      })),
    );
    const data = await reads.graphql<Record<string, Record<string, unknown> | null>>(text, variables);
    parts.forEach((part, alias) => {
      const node = data[`repo${alias}`];
      const result = results[part.index]!;
      if (node && part.withRepository)
        result.repository = toRestRepository(node as unknown as RepositoryNode, reads.apiUrl);
      part.blobs.forEach((blob, position) => {
        const answer = node?.[`repo${alias}_file${position}`] as Partial<BlobAnswer> | null | undefined;
        result.blobs.set(
          blobKey(blob.ref, blob.path),
          answer && typeof answer.oid === 'string'
            ? {
                text: answer.text ?? null,
                byteSize: answer.byteSize ?? 0,
                oid: answer.oid,
                isBinary: answer.isBinary ?? null,
                isTruncated: answer.isTruncated === true,
              }
            : null,
        );
      });
    });
  };

  for (const [index, want] of wanted.entries()) {
    if (!want.withRepository && want.blobs.length === 0) continue;
    let part: Part = { index, withRepository: want.withRepository, blobs: [] };
    const place = async () => {
      if (query.length >= REPOSITORIES_PER_QUERY) await send();
      query.push(part);
    };
    await place();
    for (const blob of want.blobs) {
      const size = blob.size ?? 0;
      if (blobs > 0 && (blobs + 1 > BLOBS_PER_QUERY || bytes + size > BLOB_BYTES_PER_QUERY)) {
        await send();
        part = { index, withRepository: false, blobs: [] };
        await place();
      }
      part.blobs.push(blob);
      blobs++;
      bytes += size;
    }
  }
  await send();
  return results;
}

/** A push to a branch (not a tag, not a branch deleted), with its repository as kinds name it. */
export interface BranchPush {
  payload: PushCommits;
  repository: RepositoryRef;
  branch: string;
  /** The commit the branch is at after the push. */
  after: string;
}

export function pushedBranch(payload: Record<string, unknown>): BranchPush | undefined {
  const push = payload as Partial<PushCommits> & { ref?: unknown; deleted?: unknown };
  if (typeof push.ref !== 'string' || !push.ref.startsWith('refs/heads/') || push.deleted === true) return undefined;
  if (typeof push.after !== 'string' || /^0+$/.test(push.after)) return undefined;
  const repository = payloadRepository(payload);
  if (!repository) return undefined;
  return {
    payload: push as PushCommits,
    repository,
    branch: push.ref.slice('refs/heads/'.length),
    after: push.after,
  };
}

/**
 * A push and, for each selector of the kind in force, its patterns that read the pushed branch; undefined when no
 * pattern does (or the push is no branch's).
 */
export async function branchPushPatterns<P extends PatternScope>(
  payload: Record<string, unknown>,
  reads: LiveReads,
  patternsOf: (selector: never) => readonly P[],
): Promise<{ push: BranchPush; patterns: P[][] } | undefined> {
  const push = pushedBranch(payload);
  if (!push) return undefined;
  const { repository, branch } = push;
  const patterns = ((await reads.selectors?.()) ?? [])
    .map((selector) =>
      patternsOf(selector as never).filter(
        (pattern) => inOrganization(pattern, repository.owner) && patternBranch(pattern, repository) === branch,
      ),
    )
    .filter((list) => list.length > 0);
  return patterns.length > 0 ? { push, patterns } : undefined;
}

/** The files a push changed (push-changes.ts), a push of more than 20 commits compared with the kind's REST reads. */
export function kindPushChanges(push: PushCommits, reads: LiveReads): Promise<PushChanges> {
  return pushChangesWith(
    push,
    async (owner, repo, basehead) => {
      const data = await reads.rest<{ files?: Array<{ filename: string; previous_filename?: string }> }>(
        'GET /repos/{owner}/{repo}/compare/{basehead}',
        { owner, repo, basehead, per_page: 1 },
      );
      return data.files ?? [];
    },
    (message) => reads.warn?.(message.replace(/^catalog sync: /, '')),
  );
}
