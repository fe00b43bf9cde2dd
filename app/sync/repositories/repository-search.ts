/**
 * `repoSearch` read through GitHub's search (GraphQL `search(type: REPOSITORY)`), as the vendor's integration reads
 * it: a resync lists every repository of the account the query finds; a live event asks whether the query takes
 * the one repository it is about, from the repository's own fields when they decide it (search-query.ts) and with a
 * search for that repository alone when they do not.
 *
 * GitHub's search lists at most 1,000 results. A query that finds more is split by the repositories' creation time
 * (`created:A..B`, halved until each part lists all it finds), so the whole account is covered; only a query that
 * narrows creation itself, or more than 1,000 repositories created in one second, is an error.
 */
import type { ActiveConfig } from '../config/active-config.ts';
import type { GraphqlRead, RestPageRead } from '../github/graphql-reader.ts';
import type { CompiledMapping, Kind } from '../mapping/index.ts';
import type { SyncContext } from '../sync-context.ts';
import {
  accountSearchQuery,
  narrowsCreation,
  repositorySearchQuery,
  type SearchedFields,
  searchTakes,
} from './search-query.ts';

/** What GitHub's search lists of one query at most. */
export const SEARCH_RESULTS_LIMIT = 1000;
const SEARCH_PAGE_SIZE = 100;
/** Before any repository on GitHub: where splitting by creation time starts. */
const FIRST_CREATION = Date.UTC(2007, 0, 1);

/** A repository the search found, with what kinds read repository by repository need of it. */
export interface SearchedRepository {
  id: number;
  /** GraphQL's node id, to read the repository again with `nodes(ids:)`. */
  nodeId: string;
  name: string;
  owner: string;
  defaultBranch: string | null;
  isPrivate: boolean;
  isFork: boolean;
}

interface SearchNode {
  id: string;
  databaseId: number;
  name: string;
  isPrivate: boolean;
  isFork: boolean;
  defaultBranchRef: { name: string } | null;
  owner: { login: string };
}

interface SearchAnswer {
  repositoryOwner: { __typename: string } | null;
  search: {
    repositoryCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: Array<Partial<SearchNode> | null>;
  };
}

const SEARCH_QUERY = `query WharfRepositorySearch($owner: String!, $search: String!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  repositoryOwner(login: $owner) { __typename }
  search(type: REPOSITORY, query: $search, first: $first, after: $after) {
    repositoryCount
    pageInfo { hasNextPage endCursor }
    nodes { ... on Repository { id databaseId name isPrivate isFork defaultBranchRef { name } owner { login } } }
  }
}`;

/** A query that finds more than GitHub's search lists, and cannot be split further. */
export class SearchLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchLimitError';
  }
}

/** `2024-01-31T12:00:00+00:00`: GitHub's date and time form for search qualifiers. */
function searchTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Every repository of `owner` the search for `query` finds, in name order. */
export async function searchRepositories(
  read: GraphqlRead,
  owner: string,
  query: string,
): Promise<SearchedRepository[]> {
  const found = new Map<number, SearchedRepository>();
  const page = (search: string, after: string | null) =>
    read<SearchAnswer>(SEARCH_QUERY, { owner, search, first: SEARCH_PAGE_SIZE, after });

  /** Every result of `search` from its first page on; false when it finds more than GitHub lists. */
  const collect = async (search: string, first: SearchAnswer): Promise<boolean> => {
    if (first.search.repositoryCount > SEARCH_RESULTS_LIMIT) return false;
    let answer = first;
    for (;;) {
      for (const node of answer.search.nodes) {
        // Only repositories of this account: the search may not stray, but a mistake must not write others.
        if (node?.databaseId === undefined || node.owner?.login.toLowerCase() !== owner.toLowerCase()) continue;
        found.set(node.databaseId, {
          id: node.databaseId,
          nodeId: node.id!,
          name: node.name!,
          owner,
          defaultBranch: node.defaultBranchRef?.name ?? null,
          isPrivate: node.isPrivate!,
          isFork: node.isFork!,
        });
      }
      const { hasNextPage, endCursor } = answer.search.pageInfo;
      if (!hasNextPage || !endCursor) return true;
      answer = await page(search, endCursor);
    }
  };

  const splitByCreation = async (search: string, from: number, to: number): Promise<void> => {
    const ranged = `${search} created:${searchTime(from)}..${searchTime(to)}`;
    const first = await page(ranged, null);
    if (await collect(ranged, first)) return;
    if (to - from < 1000) {
      throw new SearchLimitError(
        `${JSON.stringify(query)} finds more than ${SEARCH_RESULTS_LIMIT} repositories of ${owner} created within one second, more than GitHub's search lists`,
      );
    }
    const middle = from + Math.floor((to - from) / 2000) * 1000;
    await splitByCreation(search, from, middle);
    await splitByCreation(search, middle + 1000, to);
  };

  let search = accountSearchQuery(owner, 'Organization', query);
  let first = await page(search, null);
  if (first.repositoryOwner?.__typename === 'User') {
    search = accountSearchQuery(owner, 'User', query);
    first = await page(search, null);
  }
  if (!(await collect(search, first))) {
    if (narrowsCreation(query)) {
      throw new SearchLimitError(
        `${JSON.stringify(query)} finds ${first.search.repositoryCount} repositories of ${owner}; GitHub's search lists at most ${SEARCH_RESULTS_LIMIT}, and the query narrows creation dates itself, so wharf cannot split it by them: narrow it`,
      );
    }
    await splitByCreation(search, FIRST_CREATION, Math.ceil(Date.now() / 1000) * 1000 + 60_000);
  }
  return [...found.values()].sort((a, b) => compareNames(a.name, b.name));
}

/** Repository names in GitHub's order (case does not matter). */
export function compareNames(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Whether GitHub's search for `query` finds the repository `owner/name` (one search, for that repository alone). */
export async function searchFinds(
  read: GraphqlRead,
  repository: { id: number; name: string; owner: string },
  query: string,
): Promise<boolean> {
  const answer = await read<SearchAnswer>(SEARCH_QUERY, {
    owner: repository.owner,
    search: repositorySearchQuery(repository.owner, repository.name, query),
    first: 1,
    after: null,
  });
  return answer.search.nodes.some((node) => node?.databaseId === repository.id);
}

/** The repoSearch query of a selector; undefined when it has none. */
export function repoSearchOf(selector: unknown): string | undefined {
  const search = (selector as { repoSearch?: { query?: unknown } | null } | null | undefined)?.repoSearch;
  return typeof search?.query === 'string' ? search.query : undefined;
}

/** A repository as a scope is asked about: its REST fields when the caller has them, id and name at least. */
export type ScopedRepository = SearchedFields & { id: number; name: string; owner?: unknown };

/** Which repositories repoSearch queries take, for one account. */
export interface RepositoryScope {
  takes(query: string, repository: ScopedRepository): Promise<boolean>;
  /**
   * The installation's paced REST reads (counted in its GitHub usage, a resync's too), for what repository resources
   * read beside their GraphQL page: `include`'s collaborators, teams and SBOM.
   */
  readonly rest?: RestPageRead;
}

/**
 * The searches of one resync, each run once however many resources and pages ask: an account's repositories do
 * not change their answer within a resync as far as it is concerned.
 */
export class RepositorySearches implements RepositoryScope {
  readonly rest: RestPageRead | undefined;
  private readonly read: GraphqlRead;
  private readonly owner: string;
  private readonly found = new Map<string, Promise<{ list: SearchedRepository[]; ids: Set<number> }>>();

  constructor(read: GraphqlRead, owner: string, rest?: RestPageRead) {
    this.read = read;
    this.owner = owner;
    this.rest = rest;
  }

  /** Every repository of the account `query` finds, in name order. */
  async matching(query: string): Promise<SearchedRepository[]> {
    return (await this.search(query)).list;
  }

  async takes(query: string, repository: ScopedRepository): Promise<boolean> {
    return (await this.search(query)).ids.has(repository.id);
  }

  private search(query: string): Promise<{ list: SearchedRepository[]; ids: Set<number> }> {
    let known = this.found.get(query);
    if (!known) {
      known = searchRepositories(this.read, this.owner, query).then((list) => ({
        list,
        ids: new Set(list.map((repository) => repository.id)),
      }));
      // A failure is not kept: the next resource that asks tries again.
      known.catch(() => this.found.delete(query));
      this.found.set(query, known);
    }
    return known;
  }
}

/** How long a live answer GitHub's search gave is used again: events come in bursts for one repository. */
const LIVE_ANSWER_MS = 60_000;
const LIVE_ANSWERS_KEPT = 10_000;
const liveAnswers = new WeakMap<SyncContext, Map<string, { takes: boolean; until: number }>>();

/**
 * The scope of live events of one installation: the repository's fields decide when they can, else one search for
 * that repository, whose answer is kept a minute.
 */
export function liveRepositoryScope(ctx: SyncContext, installationId: number, owner: string): RepositoryScope {
  let answers = liveAnswers.get(ctx);
  if (!answers) liveAnswers.set(ctx, (answers = new Map()));
  const kept = answers;
  return {
    rest: ctx.reads.restPageReader(installationId, ctx.settings.liveRateLimits),
    async takes(query, repository) {
      const carried = repository.owner !== null && typeof repository.owner === 'object';
      const fields = carried ? repository : { ...repository, owner: { login: owner } };
      const decided = searchTakes(query, fields);
      if (decided !== undefined) return decided;
      const key = `${installationId}\n${repository.id}\n${query}`;
      const now = Date.now();
      const known = kept.get(key);
      if (known && known.until > now) return known.takes;
      const takes = await searchFinds(
        ctx.reads.reader(installationId, ctx.settings.liveRateLimits),
        { id: repository.id, name: repository.name, owner },
        query,
      );
      kept.delete(key);
      kept.set(key, { takes, until: now + LIVE_ANSWER_MS });
      if (kept.size > LIVE_ANSWERS_KEPT) kept.delete(kept.keys().next().value!);
      return takes;
    },
  };
}

/** The mappings whose repoSearch takes `repository` (all those without one). */
export async function mappingsTaking(
  mappings: readonly CompiledMapping[],
  repository: ScopedRepository,
  scope: RepositoryScope,
): Promise<CompiledMapping[]> {
  const taken: CompiledMapping[] = [];
  for (const mapping of mappings) {
    const query = repoSearchOf(mapping.resource.selector);
    if (query === undefined || (await scope.takes(query, repository))) taken.push(mapping);
  }
  return taken;
}

/**
 * `config` for objects of `repository`: the resources of `kinds` whose repoSearch does not take it left out, so
 * that what they produced from it before is deleted when its objects are written whole. `config` itself when no
 * resource of those kinds has a repoSearch.
 */
export async function configWithin(
  config: ActiveConfig,
  kinds: readonly Kind[],
  repository: ScopedRepository | undefined,
  scope: RepositoryScope,
): Promise<ActiveConfig> {
  if (!repository) return config;
  const searched = [...new Set(kinds)].filter((kind) =>
    config.mappings[kind].some((mapping) => repoSearchOf(mapping.resource.selector) !== undefined),
  );
  if (searched.length === 0) return config;
  const mappings = { ...config.mappings };
  for (const kind of searched) mappings[kind] = await mappingsTaking(config.mappings[kind], repository, scope);
  return { ...config, mappings };
}
