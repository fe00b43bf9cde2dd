/** Reads repositories and files of one installation with GraphQL: a page of 100 repositories and their files in one call. */
import { githubStatus } from '../../github/index.ts';
import type { GraphqlRead, RestRead } from './graphql-reader.ts';
import {
  blobExpression,
  filesOf,
  repositoriesQuery,
  repositoryPageQuery,
  type RepositoryNode,
  type RestRepository,
  toRestRepository,
} from './repository-query.ts';

export interface FetchedRepository {
  repository: RestRepository;
  /** Path -> text on the default branch; null when the repository has no such file. */
  files: Record<string, string | null>;
  /** The commit the default branch is at (null: none, an empty repository). */
  commit?: string | null;
}

export interface RepositoryPage {
  repositories: FetchedRepository[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The files of a branch, as one recursive tree read lists them. */
export interface RepositoryTree {
  /** The paths of the files (blobs; not folders nor submodules). */
  paths: string[];
  /** GitHub listed only part of the tree (over 100,000 entries or 7 MB): files may be missing from `paths`. */
  truncated: boolean;
}

/** An entry of a git tree, as `GET /repos/{owner}/{repo}/git/trees/{tree_sha}` lists it. */
export interface TreeEntry {
  path: string;
  mode?: string;
  type: string;
  sha?: string;
  /** Files only. */
  size?: number;
  url?: string;
}

/** GitHub's largest page. */
export const MAX_PAGE_SIZE = 100;
/** Repositories named in one query; GitHub's limits on a query's size and cost stay far away. */
const REPOSITORIES_PER_QUERY = 25;

export class RepositoryReader {
  private readonly read: GraphqlRead;
  private readonly apiUrl: string;
  private readonly rest: RestRead | undefined;

  constructor(read: GraphqlRead, apiUrl: string, rest?: RestRead) {
    this.read = read;
    this.apiUrl = apiUrl;
    this.rest = rest;
  }

  /**
   * Every file of `branch` in one call (`GET /repos/{owner}/{repo}/git/trees/{branch}?recursive=1`). An empty
   * repository (409) or a branch that is gone (404) has none.
   */
  async tree(owner: string, name: string, branch: string): Promise<RepositoryTree> {
    const { entries, truncated } = await this.treeEntries(owner, name, branch);
    return { paths: entries.filter((entry) => entry.type === 'blob').map((entry) => entry.path), truncated };
  }

  /**
   * The same read with every entry as GitHub lists it: files (`blob`), folders (`tree`) and submodules (`commit`);
   * only the top level's when not `recursive`.
   */
  async treeEntries(
    owner: string,
    name: string,
    branch: string,
    recursive = true,
  ): Promise<{ entries: TreeEntry[]; truncated: boolean }> {
    if (!this.rest) throw new Error('this reader has no REST client');
    type Answer = { tree?: Array<Partial<TreeEntry>>; truncated?: boolean };
    let answer: Answer;
    try {
      answer = await this.rest<Answer>('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
        owner,
        repo: name,
        tree_sha: branch,
        ...(recursive && { recursive: '1' }),
      });
    } catch (error) {
      const status = githubStatus(error);
      if (status === 404 || status === 409) return { entries: [], truncated: false };
      throw error;
    }
    return {
      entries: (answer.tree ?? []).filter(
        (entry): entry is TreeEntry => typeof entry.path === 'string' && typeof entry.type === 'string',
      ),
      truncated: answer.truncated === true,
    };
  }

  /** The page after `after` (null: the first) of the owner's repositories, each with the files at `paths`. */
  async page(owner: string, after: string | null, paths: readonly string[], first = MAX_PAGE_SIZE) {
    const { query, variables } = repositoryPageQuery(owner, first, after, paths);
    type Answer = {
      repositoryOwner: {
        repositories: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: Array<RepositoryNode | null>;
        };
      } | null;
    };
    const data = await this.read<Answer>(query, variables);
    if (!data.repositoryOwner) throw new Error(`GitHub knows no account "${owner}"`);
    const { pageInfo, nodes } = data.repositoryOwner.repositories;
    return {
      repositories: nodes
        .filter((node): node is RepositoryNode => node !== null)
        .map((node) => ({
          repository: toRestRepository(node, this.apiUrl),
          files: filesOf(node as unknown as Record<string, unknown>, paths),
          commit: node.defaultBranchRef?.target?.oid ?? null,
        })),
      endCursor: pageInfo.endCursor,
      hasNextPage: pageInfo.hasNextPage,
    } satisfies RepositoryPage;
  }

  /**
   * Named repositories with the files at `paths` on their default branches; null for one that is gone or that the
   * installation cannot see.
   */
  async repositories(
    requests: ReadonlyArray<{ owner: string; name: string; paths: readonly string[] }>,
  ): Promise<Array<FetchedRepository | null>> {
    const results: Array<FetchedRepository | null> = [];
    for (let start = 0; start < requests.length; start += REPOSITORIES_PER_QUERY) {
      const chunk = requests.slice(start, start + REPOSITORIES_PER_QUERY);
      const { query, variables } = repositoriesQuery(
        chunk.map((request) => ({
          owner: request.owner,
          name: request.name,
          expressions: request.paths.map((path) => blobExpression(path)),
        })),
      );
      const data = await this.read<Record<string, RepositoryNode | null>>(query, variables);
      chunk.forEach((request, index) => {
        const node = data[`repo${index}`];
        results.push(
          node
            ? {
                repository: toRestRepository(node, this.apiUrl),
                files: filesOf(node as unknown as Record<string, unknown>, request.paths, `repo${index}_`),
                commit: node.defaultBranchRef?.target?.oid ?? null,
              }
            : null,
        );
      });
    }
    return results;
  }

  /** Files of one repository at `ref` (a commit sha, or HEAD for the default branch): path -> text or null. */
  async files(
    owner: string,
    name: string,
    ref: string,
    paths: readonly string[],
  ): Promise<Record<string, string | null>> {
    const [files] = await this.filesOfRepositories([{ owner, name, ref, paths }]);
    return files!;
  }

  /** Files of several repositories in one query; a repository that is gone or hidden gives null for each file. */
  async filesOfRepositories(
    requests: ReadonlyArray<{ owner: string; name: string; ref: string; paths: readonly string[] }>,
  ): Promise<Array<Record<string, string | null>>> {
    const wanted = requests.filter((request) => request.paths.length > 0);
    const answers = new Map<(typeof requests)[number], Record<string, string | null>>();
    for (let start = 0; start < wanted.length; start += REPOSITORIES_PER_QUERY) {
      const chunk = wanted.slice(start, start + REPOSITORIES_PER_QUERY);
      const { query, variables } = repositoriesQuery(
        chunk.map((request) => ({
          owner: request.owner,
          name: request.name,
          expressions: request.paths.map((path) => blobExpression(path, request.ref)),
          filesOnly: true,
        })),
      );
      const data = await this.read<Record<string, Record<string, unknown> | null>>(query, variables);
      chunk.forEach((request, index) => {
        const node = data[`repo${index}`];
        answers.set(
          request,
          node
            ? filesOf(node, request.paths, `repo${index}_`)
            : Object.fromEntries(request.paths.map((path) => [path, null])),
        );
      });
    }
    return requests.map((request) => answers.get(request) ?? {});
  }
}
