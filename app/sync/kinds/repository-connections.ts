/**
 * Resync pages of kinds GraphQL lists as a connection of Repository (pull requests, issues, releases, tags,
 * branches): one query reads a page of the account's repositories with the first objects of each; the repositories
 * with more are followed up in later pages (each repository its own alias), as many per query as its bounds allow,
 * gathered over pages of repositories, up to a limit per repository. Where the resync is, including the follow-ups still to do, is the page's cursor, so a resync cut short
 * goes on from there.
 */
import type { Kind } from '../mapping/index.ts';
import type { KindObject, KindReads, RepositoryRef, ResyncPage, ResyncReads } from './kind-definition.ts';

/** One connection of Repository a kind reads (a kind may read two: open and closed pull requests). */
export interface ConnectionStream<N> {
  /** Its alias in queries: letters only. */
  alias: string;
  /** The Repository field (`pullRequests`). */
  field: string;
  /** Its arguments beside `first` and `after`, as GraphQL text (`states: [OPEN], orderBy: {...}`). */
  arguments: string;
  /** The most objects read per repository. */
  limit: number;
  /**
   * Whether `node`, and every node after it in the connection's order, is past what the selector reads (a closed
   * pull request last updated before `since`): the repository's reading of this stream ends there.
   */
  past?: (node: N) => boolean;
}

export interface RepositoryConnections<N> {
  kind: Kind;
  streams: ReadonlyArray<ConnectionStream<N>>;
  /** The GraphQL fields of each node. */
  nodeFields: string;
  /** Repositories per page of repositories. */
  repositoriesPerPage: number;
  /**
   * Nodes of each stream per repository in a page of repositories. 0: the page only counts them (`totalCount`),
   * and the repositories that have some are read in follow-ups sized to their counts: for kinds whose nodes have
   * connections of their own (labels, assignees), which GitHub charges per node asked for, read or not.
   */
  first: number;
  /** Nodes per repository in a follow-up query, at most. */
  followUpFirst: number;
  /** Nodes per follow-up query, at most (the sum of its repositories' `first`). */
  followUpNodes: number;
  /** The objects of a repository's nodes (REST-shaped, with their `__` additions). */
  toObjects(nodes: N[], repository: RepositoryRef, reads: KindReads): KindObject[] | Promise<KindObject[]>;
  /**
   * A GraphQL error (GitHub's `errors` entry) the kind tolerates in follow-ups, its field then null (a branch's
   * protection rule the App may not read); unset: none. A kind that sets it counts in its pages of repositories
   * (`first: 0`), whose reads cannot take part of an answer.
   */
  tolerates?: (error: { type?: string; path?: ReadonlyArray<string | number> }) => boolean;
}

/** The most objects of one kind read per repository, whatever the selector: a bound on hostile repositories. */
export const MAX_OBJECTS_PER_REPOSITORY = 10_000;
/** Repositories per follow-up query, at most. */
const FOLLOW_UP_REPOSITORIES = 50;

interface Connection<N> {
  totalCount?: number;
  pageInfo?: { hasNextPage: boolean; endCursor: string | null };
  nodes?: Array<N | null>;
}

interface Pending {
  repository: RepositoryRef;
  stream: string;
  /** Where its next nodes start (null: at the first). */
  after: string | null;
  taken: number;
  /** The connection's totalCount, when known. */
  total: number | null;
}

interface State {
  /** The next page of repositories starts after this cursor (null: the first page). */
  after: string | null;
  /** Whether a page of repositories is still to read. */
  more: boolean;
  pending: Pending[];
}

const INITIAL: State = { after: null, more: true, pending: [] };

function decode(cursor: string | null): State {
  if (cursor === null) return INITIAL;
  try {
    const state = JSON.parse(cursor) as Partial<State>;
    if (
      typeof state === 'object' &&
      state !== null &&
      typeof state.more === 'boolean' &&
      (state.after === null || typeof state.after === 'string') &&
      Array.isArray(state.pending)
    ) {
      return { after: state.after, more: state.more, pending: state.pending };
    }
  } catch {
    // a cursor of another shape (an older version's): start over
  }
  return INITIAL;
}

function encode(state: State): string | null {
  return state.more || state.pending.length > 0 ? JSON.stringify(state) : null;
}

function connectionSelection(
  stream: Pick<ConnectionStream<unknown>, 'alias' | 'field' | 'arguments'>,
  first: number,
  after: string | null,
  nodeFields: string,
): string {
  const args = [`first: ${first}`, ...(after !== null ? [`after: ${after}`] : []), stream.arguments].filter(
    (part) => part.trim().length > 0,
  );
  const body = first === 0 ? 'totalCount' : `pageInfo { hasNextPage endCursor }\n      nodes { ${nodeFields} }`;
  return `${stream.alias}: ${stream.field}(${args.join(', ')}) {
      ${body}
    }`;
}

const limitOf = (stream: { limit: number }) => Math.min(stream.limit, MAX_OBJECTS_PER_REPOSITORY);

/** The nodes a stream takes from one answered connection, and where it goes on (null: done for the repository). */
function takeNodes<N>(
  spec: RepositoryConnections<N>,
  stream: ConnectionStream<N>,
  repository: RepositoryRef,
  connection: Connection<N> | null | undefined,
  previous: Pick<Pending, 'after' | 'taken' | 'total'>,
): { nodes: N[]; next: Pending | null } {
  if (!connection) return { nodes: [], next: null };
  const limit = limitOf(stream);
  if (!connection.pageInfo) {
    // A count: the repository's nodes are read in follow-ups.
    const total = connection.totalCount ?? 0;
    return {
      nodes: [],
      next: total > 0 ? { repository, stream: stream.alias, after: null, taken: 0, total } : null,
    };
  }
  const nodes: N[] = [];
  let ended = false;
  for (const node of connection.nodes ?? []) {
    if (node === null) continue;
    if (previous.taken + nodes.length >= limit || stream.past?.(node)) {
      ended = true;
      break;
    }
    nodes.push(node);
  }
  const taken = previous.taken + nodes.length;
  const { hasNextPage, endCursor } = connection.pageInfo;
  if (ended || !hasNextPage || taken >= limit) return { nodes, next: null };
  if (!endCursor || endCursor === previous.after) {
    throw new Error(
      `GitHub's ${stream.field} of ${repository.owner}/${repository.name} (${spec.kind}) did not move past cursor ${JSON.stringify(previous.after)}`,
    );
  }
  return {
    nodes,
    next: { repository, stream: stream.alias, after: endCursor, taken, total: previous.total },
  };
}

/** One page of a resync of `spec`'s kind, from `cursor`. */
export async function connectionPage<N>(
  reads: ResyncReads,
  spec: RepositoryConnections<N>,
  cursor: string | null,
): Promise<ResyncPage> {
  const state = decode(cursor);
  // Follow-ups wait until they fill a query (or no page of repositories is left): with few repositories of a page
  // having objects, pages of repositories are read first (their counts cost little), so that each follow-up names
  // as many repositories as its bounds allow rather than those of one page.
  if (state.pending.length > 0 && (!state.more || fillsFollowUp(spec, state.pending))) {
    return followUp(reads, spec, state);
  }
  if (!state.more) return { objects: [], next: null };

  const first = Math.max(0, Math.min(spec.first, 100));
  const selection = spec.streams
    .map((stream) => connectionSelection(stream, Math.min(first, limitOf(stream)), null, spec.nodeFields))
    .join('\n');
  const page = await reads.repositoryPage<Record<string, Connection<N> | null>>(selection, {
    cursor: state.after,
    pageSize: spec.repositoriesPerPage,
  });
  if (page.next !== null && page.next === state.after) {
    throw new Error(`GitHub's repositories of ${reads.owner} did not move past cursor ${JSON.stringify(state.after)}`);
  }
  const objects: KindObject[] = [];
  const pending: Pending[] = [...state.pending];
  for (const { node, ...repository } of page.repositories) {
    const nodes: N[] = [];
    for (const stream of spec.streams) {
      const taken = takeNodes(spec, stream, repository, node[stream.alias], { after: null, taken: 0, total: null });
      nodes.push(...taken.nodes);
      if (taken.next) pending.push(taken.next);
    }
    if (nodes.length > 0) objects.push(...(await spec.toObjects(nodes, repository, reads)));
  }
  return { objects, next: encode({ after: page.next, more: page.next !== null, pending }) };
}

/** The `first` of a follow-up of `entry`: what is left of its limit and of its count, at most followUpFirst. */
function followUpFirst(spec: { followUpFirst: number }, stream: { limit: number }, entry: Pending): number {
  const left = Math.min(limitOf(stream), entry.total ?? Number.POSITIVE_INFINITY) - entry.taken;
  return Math.max(1, Math.min(spec.followUpFirst, left, 100));
}

interface FollowUpBatch<N> {
  entries: Array<{ entry: Pending; stream: ConnectionStream<N>; first: number }>;
  /** Entries of `pending` it took (or dropped). */
  used: number;
  /** Whether it is as large as a follow-up query may be: the next entry would pass its bounds. */
  full: boolean;
}

/** The next follow-up query's entries from the start of `pending`, within followUpNodes and FOLLOW_UP_REPOSITORIES. */
function followUpBatch<N>(spec: RepositoryConnections<N>, pending: readonly Pending[]): FollowUpBatch<N> {
  const streams = new Map(spec.streams.map((stream) => [stream.alias, stream]));
  const entries: FollowUpBatch<N>['entries'] = [];
  let nodes = 0;
  let used = 0;
  for (const entry of pending) {
    const stream = streams.get(entry.stream);
    if (!stream) {
      used++; // a stream the selector no longer has: dropped
      continue;
    }
    const first = followUpFirst(spec, stream, entry);
    if (entries.length > 0 && (nodes + first > spec.followUpNodes || entries.length >= FOLLOW_UP_REPOSITORIES)) {
      return { entries, used, full: true };
    }
    entries.push({ entry, stream, first });
    nodes += first;
    used++;
  }
  return { entries, used, full: nodes >= spec.followUpNodes || entries.length >= FOLLOW_UP_REPOSITORIES };
}

/** Whether `pending` holds at least one whole follow-up query. */
const fillsFollowUp = <N>(spec: RepositoryConnections<N>, pending: readonly Pending[]) =>
  followUpBatch(spec, pending).full;

async function followUp<N>(reads: ResyncReads, spec: RepositoryConnections<N>, state: State): Promise<ResyncPage> {
  const { entries: batch, used } = followUpBatch(spec, state.pending);
  const pending = state.pending.slice(used);
  const objects: KindObject[] = [];
  if (batch.length > 0) {
    const declarations: string[] = ['$owner: String!'];
    const variables: Record<string, unknown> = { owner: reads.owner };
    const blocks = batch.map(({ entry, stream, first }, index) => {
      declarations.push(`$name${index}: String!`, `$after${index}: String`);
      variables[`name${index}`] = entry.repository.name;
      variables[`after${index}`] = entry.after;
      return `r${index}: repository(owner: $owner, name: $name${index}) {
    ${connectionSelection(stream, first, `$after${index}`, spec.nodeFields)}
  }`;
    });
    const query = `query WharfKindFollowUp(${declarations.join(', ')}) {
  rateLimit { cost remaining resetAt }
  ${blocks.join('\n  ')}
}`;
    const data = await withTolerance(spec, () =>
      reads.graphql<Record<string, Record<string, Connection<N> | null> | null>>(query, variables),
    );
    for (const [index, { entry, stream }] of batch.entries()) {
      // A repository gone since its page (null, NOT_FOUND) ends its follow-up.
      const repositoryNode = data[`r${index}`];
      if (!repositoryNode) continue;
      const taken = takeNodes(spec, stream, entry.repository, repositoryNode[stream.alias], entry);
      if (taken.nodes.length > 0) objects.push(...(await spec.toObjects(taken.nodes, entry.repository, reads)));
      if (taken.next) pending.push(taken.next);
    }
  }
  return { objects, next: encode({ ...state, pending }) };
}

/**
 * Runs a read, and when GitHub answered with errors the kind tolerates only (its field then null), takes the data
 * that came with them.
 */
export async function withTolerance<T>(
  spec: { tolerates?: RepositoryConnections<unknown>['tolerates'] },
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const failure = error as { data?: unknown; errors?: Array<{ type?: string; path?: Array<string | number> }> };
    if (
      spec.tolerates &&
      failure?.data &&
      Array.isArray(failure.errors) &&
      failure.errors.length > 0 &&
      failure.errors.every((problem) => problem.type === 'NOT_FOUND' || spec.tolerates!(problem))
    ) {
      return failure.data as T;
    }
    throw error;
  }
}

/** `https://api.github.com` without a trailing slash, and the REST path of a repository under it. */
export function repositoryApi(apiUrl: string, repository: RepositoryRef): string {
  return `${apiUrl.replace(/\/+$/, '')}/repos/${repository.owner}/${repository.name}`;
}
