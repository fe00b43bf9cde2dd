/**
 * The `folder` kind: folders of named repositories matched by `folders` patterns (`path` a glob such as `apps/*`,
 * default `*`; `repos` with their branches, or the pattern's `branch`, else the default branch; `organization`),
 * each given to jq as the vendor's integration gives it: `{ folder: <git tree entry>, __repository, __organization,
 * __branch }` (the entry with its `name` added). A resync reads one tree per (repository, branch) (the top level
 * only when no pattern looks deeper) and the repositories in one GraphQL query per page. A push to a branch a
 * pattern reads gives the matched folders holding what it changed, from one tree read at its commit: there, they
 * are updated (their sha changed); gone from there, they lose their entities. `file://` values of a folder's
 * mapping are read in the folder (a monorepo service's README.md).
 */
import { posix } from 'node:path';
import { spansFolders } from '../../../src/glob/index.ts';
import { RepositoryReader, type TreeEntry } from '../github/repository-reader.ts';
import type { RestRepository } from '../github/repository-query.ts';
import type { FolderPattern, SelectorOf } from '../mapping/index.ts';
import type {
  KindDefinition,
  KindObject,
  LiveChange,
  LiveReads,
  RepositoryRef,
  ResyncPage,
  ResyncReads,
} from './kind-definition.ts';
import {
  branchPushPatterns,
  branchTargets,
  kindPushChanges,
  matchesPattern,
  patternPath,
  patternTaking,
  readRepositoryBlobs,
  targetPage,
  targetTree,
} from './repository-files.ts';

/** (repository, branch) pairs a resync page reads: a tree read each. */
const TARGETS_PER_PAGE = 20;

/** Whether a pattern can match below the top level (so the tree is read recursively). */
const looksDeep = (pattern: FolderPattern) => spansFolders(patternPath(pattern.path));

export const folderItem = (branch: string, path: string): string => `${branch}:${path}`;

function folderObject(
  owner: string,
  repository: RepositoryRef,
  rest: RestRepository,
  branch: string,
  entry: TreeEntry,
): KindObject {
  return {
    object: {
      folder: { ...entry, name: posix.basename(entry.path) },
      __repository: rest,
      __organization: owner,
      __branch: branch,
    },
    item: folderItem(branch, entry.path),
    repository,
    fileBase: { ref: branch, folder: entry.path },
  };
}

/** The REST shape of each repository, one GraphQL query for 25. */
async function restRepositories(
  reads: Pick<ResyncReads, 'graphql' | 'apiUrl'>,
  repositories: readonly RepositoryRef[],
): Promise<Map<number, RestRepository>> {
  const unique = [...new Map(repositories.map((repository) => [repository.id, repository])).values()];
  const answers = await readRepositoryBlobs(
    reads,
    unique.map((repository) => ({ repository, withRepository: true, blobs: [] })),
  );
  const found = new Map<number, RestRepository>();
  unique.forEach((repository, index) => {
    const rest = answers[index]!.repository;
    if (rest) found.set(repository.id, rest);
  });
  return found;
}

/** Whether `object` (a folder object) is one the patterns read: its repository, branch and path. */
export function folderPatternsTake(patterns: readonly FolderPattern[], object: object): boolean {
  const folder = object as {
    folder?: { path?: unknown } | null;
    __repository?: { name?: unknown; default_branch?: unknown } | null;
    __organization?: unknown;
    __branch?: unknown;
  };
  const place = {
    organization: folder.__organization,
    repository: folder.__repository,
    branch: folder.__branch,
    path: folder.folder?.path,
  };
  return patternTaking(patterns, place) !== undefined;
}

async function resyncFolders(
  reads: ResyncReads,
  selector: SelectorOf<'folder'>,
  cursor: string | null,
): Promise<ResyncPage> {
  const targets = await branchTargets(reads, selector.folders);
  const { page, next } = targetPage(targets, cursor, TARGETS_PER_PAGE);
  const errors: string[] = [];
  const found: Array<{ repository: RepositoryRef; branch: string; entries: TreeEntry[] }> = [];
  for (const target of page) {
    const trees = await targetTree(reads, target, 'tree', errors, target.patterns.some(looksDeep));
    const entries = [...(trees?.values() ?? [])].filter((entry) =>
      target.patterns.some((pattern) => matchesPattern(entry.path, pattern)),
    );
    if (entries.length > 0) found.push({ repository: target.repository, branch: target.branch, entries });
  }
  const rest =
    found.length > 0
      ? await restRepositories(
          reads,
          found.map((entry) => entry.repository),
        )
      : new Map();
  const objects = found.flatMap(({ repository, branch, entries }) => {
    const shape = rest.get(repository.id);
    return shape ? entries.map((entry) => folderObject(reads.owner, repository, shape, branch, entry)) : [];
  });
  return { objects, next, errors };
}

/** Every folder `path` is in ("a/b/c.ts": "a", "a/b"). */
function foldersOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('/'));
}

/**
 * A push to a branch some pattern reads: the matched folders holding a file it changed, as the tree at its commit
 * lists them (gone when it no longer does). When GitHub cannot list everything the push changed, every matched
 * folder of the tree is given again.
 */
async function pushFolders(payload: Record<string, unknown>, reads: LiveReads): Promise<LiveChange[]> {
  const found = await branchPushPatterns(payload, reads, (selector: SelectorOf<'folder'>) => selector.folders);
  if (!found) return [];
  const { repository, branch, after } = found.push;
  const patterns = found.patterns.flat();
  const matched = (path: string) => patterns.some((pattern) => matchesPattern(path, pattern));
  const changes = await kindPushChanges(found.push.payload, reads);
  const candidates = new Set([...changes.paths].flatMap(foldersOf).filter(matched));
  if (candidates.size === 0 && changes.complete) return [];

  const reader = new RepositoryReader(reads.graphql, reads.apiUrl, reads.rest);
  const listed = await reader.treeEntries(repository.owner, repository.name, after, patterns.some(looksDeep));
  const trees = new Map(listed.entries.filter((entry) => entry.type === 'tree').map((entry) => [entry.path, entry]));
  if (!changes.complete) for (const path of trees.keys()) if (matched(path)) candidates.add(path);
  if (candidates.size === 0) return [];
  if (listed.truncated) {
    reads.warn?.(
      `${repository.owner}/${repository.name}@${after}: GitHub listed only part of its tree; folders it left out are left as they are`,
    );
  }
  const rest = (await restRepositories(reads, [repository])).get(repository.id);
  if (!rest) return [];
  const changed: LiveChange[] = [];
  for (const path of candidates) {
    const entry = trees.get(path);
    if (entry) {
      const { fileBase: _base, ...object } = folderObject(repository.owner, repository, rest, branch, entry);
      changed.push({ ...object, fileBase: { ref: after, folder: path } });
    } else if (!listed.truncated) {
      changed.push({ object: null, item: folderItem(branch, path), repository });
    }
  }
  return changed;
}

export const folderKind: KindDefinition<'folder'> = {
  kind: 'folder',
  scope: 'repository',
  resyncPage: resyncFolders,
  selects: (selector, object) => folderPatternsTake(selector.folders, object),
  events: { push: pushFolders },
  permissions: { contents: 'read' },
};
