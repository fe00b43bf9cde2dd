/** The GitHub reads a kind is given: an installation's paced GraphQL and REST, and the account's repositories. */
import type { GithubReads } from '../github/graphql-reader.ts';
import type { RateLimitPolicy } from '../github/rate-limits.ts';
import type { RepositoryType } from '../mapping/index.ts';
import type { KindReads, RepositoryRef, ResyncReads } from './kind-definition.ts';

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

  return {
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
}
