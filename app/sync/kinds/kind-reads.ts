/**
 * The GitHub reads a kind is given: an installation's paced GraphQL and REST, and the account's repositories (or,
 * for a resource with a `repoSearch`, those GitHub's search finds).
 */
import type { GithubReads } from '../github/graphql-reader.ts';
import type { RateLimitPolicy } from '../github/rate-limits.ts';
import type { RepositoryType } from '../mapping/index.ts';
import {
  compareNames,
  type RepositoryScope,
  RepositorySearches,
  repoSearchOf,
  type SearchedRepository,
} from '../repositories/repository-search.ts';
import type { KindDefinition, KindReads, RepositoryRef, ResyncPage, ResyncReads } from './kind-definition.ts';

export async function kindReads(
  reads: GithubReads,
  installationId: number,
  owner: string,
  policy: RateLimitPolicy,
  signal?: AbortSignal,
): Promise<KindReads> {
  return {
    owner,
    graphql: reads.reader(installationId, policy, signal),
    rest: reads.restReader(installationId, policy, signal),
    restPage: reads.restPageReader(installationId, policy, signal),
    apiUrl: await reads.apiUrl(installationId),
    signal,
  };
}

/** Whether `repositoryType` (GitHub's `type` of an organization's repository list) takes the repository. */
export function repositoryTypeTakes(type: RepositoryType, repository: { private: boolean; fork: boolean }): boolean {
  switch (type) {
    case 'public':
      return !repository.private;
    case 'private':
      return repository.private;
    case 'forks':
      return repository.fork;
    case 'sources':
      return !repository.fork;
    default:
      return true;
  }
}

interface RepositoryBasics {
  databaseId: number;
  name: string;
  isPrivate: boolean;
  isFork: boolean;
  defaultBranchRef: { name: string } | null;
}

const REPOSITORIES_PER_PAGE = 100;

/** A resync's reads, and how the resync hands over the repositories it has already listed. */
export interface ResyncReadsOfRun extends ResyncReads {
  /**
   * Every repository of the account the configuration syncs (`repositoryType` applied), in name order, as the
   * resync's repository phase listed them: `repositories()` answers these instead of listing them again. Unused
   * when `repositories()` already answered.
   */
  listed(repositories: RepositoryRef[]): void;
}

/** What a resync's reads know beyond ResyncReads: its searches, and which repositories it syncs. */
interface ResyncRun {
  searches: RepositorySearches;
  repositoryType: RepositoryType;
}

const RUNS = new WeakMap<ResyncReads, ResyncRun>();

function runOf(reads: ResyncReads): ResyncRun {
  let run = RUNS.get(reads);
  if (!run)
    RUNS.set(
      reads,
      (run = { searches: new RepositorySearches(reads.graphql, reads.owner, reads.restPage), repositoryType: 'all' }),
    );
  return run;
}

/**
 * Which repositories the repoSearch queries of a resync's resources take (each query searched once a resync), with the
 * resync's REST reads for what repository resources `include`.
 */
export function resyncScope(reads: ResyncReads): RepositoryScope {
  return runOf(reads).searches;
}

export function resyncReads(base: KindReads, repositoryType: RepositoryType): ResyncReadsOfRun {
  let all: Promise<RepositoryRef[]> | undefined;

  async function repositoryPage<T>(
    selection: string,
    options: { cursor: string | null; pageSize: number; declarations?: string; variables?: Record<string, unknown> },
  ): Promise<{ repositories: Array<RepositoryRef & { node: T }>; next: string | null }> {
    const query = `query WharfKindRepositories($owner: String!, $first: Int!, $after: String${options.declarations ?? ''}) {
  rateLimit { cost remaining resetAt }
  repositoryOwner(login: $owner) {
    repositories(first: $first, after: $after, ownerAffiliations: [OWNER], orderBy: {field: NAME, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId
        name
        isPrivate
        isFork
        defaultBranchRef { name }
        ${selection}
      }
    }
  }
}`;
    type Answer = {
      repositoryOwner: {
        repositories: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: Array<(RepositoryBasics & T) | null>;
        };
      } | null;
    };
    const data = await base.graphql<Answer>(query, {
      ...options.variables,
      owner: base.owner,
      first: options.pageSize,
      after: options.cursor,
    });
    if (!data.repositoryOwner) throw new Error(`GitHub knows no account "${base.owner}"`);
    const { pageInfo, nodes } = data.repositoryOwner.repositories;
    const repositories = nodes
      .filter((node): node is RepositoryBasics & T => node !== null)
      .filter((node) => repositoryTypeTakes(repositoryType, { private: node.isPrivate, fork: node.isFork }))
      .map((node) => ({
        id: node.databaseId,
        name: node.name,
        owner: base.owner,
        defaultBranch: node.defaultBranchRef?.name ?? null,
        node,
      }));
    return { repositories, next: pageInfo.hasNextPage ? pageInfo.endCursor : null };
  }

  const reads: ResyncReadsOfRun = {
    ...base,
    repositoryPage,
    listed(repositories) {
      all ??= Promise.resolve(repositories);
    },
    repositories() {
      all ??= (async () => {
        const found: RepositoryRef[] = [];
        let cursor: string | null = null;
        do {
          const page: Awaited<ReturnType<typeof repositoryPage>> = await repositoryPage('', {
            cursor,
            pageSize: REPOSITORIES_PER_PAGE,
          });
          for (const { node: _node, ...repository } of page.repositories) found.push(repository);
          cursor = page.next;
        } while (cursor);
        return found;
      })();
      return all;
    },
  };
  RUNS.set(reads, { searches: new RepositorySearches(base.graphql, base.owner, base.restPage), repositoryType });
  return reads;
}

/**
 * One page of a resource's resync. With a `repoSearch`, the kind reads only the repositories GitHub's search finds
 * (`repositoryType` applied too), and objects a kind reads account-wide (alerts) are kept only when of one of them.
 */
export async function selectorResyncPage(
  definition: Pick<KindDefinition, 'resyncPage' | 'scope'>,
  reads: ResyncReads,
  selector: object,
  cursor: string | null,
): Promise<ResyncPage> {
  const query = repoSearchOf(selector);
  // The account's own objects (the organization) belong to no repository: a search would narrow nothing.
  if (query === undefined || definition.scope === 'organization') {
    return definition.resyncPage(reads, selector as never, cursor);
  }
  const run = runOf(reads);
  const searched = (await run.searches.matching(query)).filter((repository) =>
    repositoryTypeTakes(run.repositoryType, { private: repository.isPrivate, fork: repository.isFork }),
  );
  const page = await definition.resyncPage(searchedReads(reads, searched), selector as never, cursor);
  const ids = new Set(searched.map((repository) => repository.id));
  const within = (repository: RepositoryRef | undefined) => !repository || ids.has(repository.id);
  return {
    ...page,
    objects: page.objects.filter((object) => within(object.repository)),
    ...(page.unread && { unread: page.unread.filter((entry) => within(entry.repository)) }),
  };
}

/** How a page of searched repositories names where the next starts: the last name read. */
const NAME_CURSOR = 'name:';

/**
 * `reads` over the repositories a search found: listed as they are, and read a page at a time by their node ids
 * (`nodes(ids:)`), the page's cursor the last name read, so that a resync resumed later goes on after it. A cursor
 * of another form (GitHub's, from before the resource had its repoSearch) starts over rather than skip any.
 */
function searchedReads(reads: ResyncReads, searched: readonly SearchedRepository[]): ResyncReads {
  const refs = searched.map(({ id, name, owner, defaultBranch }): RepositoryRef => ({
    id,
    name,
    owner,
    defaultBranch,
  }));
  return {
    ...reads,
    repositories: () => Promise.resolve(refs),
    async repositoryPage<T>(
      selection: string,
      options: { cursor: string | null; pageSize: number; declarations?: string; variables?: Record<string, unknown> },
    ) {
      const after = options.cursor?.startsWith(NAME_CURSOR) ? options.cursor.slice(NAME_CURSOR.length) : null;
      const start = after === null ? 0 : searched.findIndex((repository) => compareNames(repository.name, after) > 0);
      const slice = start < 0 ? [] : searched.slice(start, start + options.pageSize);
      if (slice.length === 0) return { repositories: [], next: null };
      const query = `query WharfSearchedRepositories($ids: [ID!]!${options.declarations ?? ''}) {
  rateLimit { cost remaining resetAt }
  nodes(ids: $ids) {
    ... on Repository {
      databaseId
      ${selection}
    }
  }
}`;
      const data = await reads.graphql<{ nodes: Array<({ databaseId?: number } & T) | null> }>(query, {
        ...options.variables,
        ids: slice.map((repository) => repository.nodeId),
      });
      const byId = new Map(slice.map((repository, index) => [repository.id, refs[start + index]!]));
      const repositories = data.nodes.flatMap((node) => {
        const ref = node?.databaseId === undefined ? undefined : byId.get(node.databaseId);
        return ref ? [{ ...ref, node: node! }] : [];
      });
      const last = start + slice.length;
      return { repositories, next: last < searched.length ? `${NAME_CURSOR}${slice.at(-1)!.name}` : null };
    },
  };
}
