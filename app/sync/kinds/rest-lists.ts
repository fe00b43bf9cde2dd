/**
 * Resync reads of the kinds GitHub lists only over REST (security alerts, deployments, environments, workflows,
 * workflow runs), 100 objects a request, page after page as GitHub's Link header says: one list for the whole
 * organization where GitHub has one (the alerts: 50 requests for 5,000 alerts, however many repositories), else
 * repository by repository, a bounded number of reads per resync page. A read GitHub refuses with 403 or 404 (the
 * feature off for the repository, the App without the permission) is skipped and reported in `unread`, so that what
 * it produced before is kept.
 */
import type { KindObject, KindReads, RepositoryRef, ResyncPage, ResyncReads } from './kind-definition.ts';
import { isRecord } from './repository-objects.ts';

/** GitHub's largest page for these lists. */
export const PER_PAGE = 100;
/** Requests of one resync page of per-repository lists (the reader runs a few at a time). */
const REQUESTS_PER_PAGE = 20;
/** Pages of one repository's list a resync reads; past them the rest is left unread (and kept). */
const PAGES_PER_REPOSITORY = 100;
/** Pages of an organization's list a resync reads: a million objects. */
const PAGES_PER_ACCOUNT = 10_000;
/** The longest paging parameter taken from a Link header (GitHub's cursors are a few dozen characters). */
const LONGEST_PAGING_VALUE = 1_000;

/** The paging parameters of a next page (`page`, `after`), as GitHub's Link header gives them. */
export type Paging = Record<string, string>;

/** One REST list of a kind's objects and how its answer becomes objects. */
export interface RestList {
  /** The kind, in messages. */
  kind: string;
  /** `GET /repos/{owner}/{repo}/...` (per repository) or `GET /orgs/{org}/...`. */
  route: string;
  /** The query parameters beside paging (the selector's filters). */
  parameters: Readonly<Record<string, string>>;
  /** The list in an answer (`environments` of `{ total_count, environments }`); unset: the answer is the list. */
  items?: (data: unknown) => unknown;
  /** The object of an item of `repository`; undefined: the item is not the kind's. */
  object(item: Record<string, unknown>, repository: RepositoryRef): KindObject | undefined;
}

/**
 * How a kind reads its objects repository by repository: one read of a repository (or of a further page of its
 * list) gives objects and, for a list with more, the paging of its next page (read in a later resync page).
 */
export interface RepositoryWalk {
  /** The kind, in messages. */
  kind: string;
  /** Reads of one resync page (the reader runs a few at a time). */
  perPage: number;
  /** `repository`'s objects from `paging` (null: its first page); it may throw GitHub's refusals (403/404). */
  read(
    reads: KindReads,
    repository: RepositoryRef,
    paging: Paging | null,
  ): Promise<{ objects: KindObject[]; next: Paging | null }>;
}

/** A list of the whole organization, whose items name their repository (`repository: { id, name }`). */
export interface OrganizationList extends RestList {
  /** The same objects read repository by repository, for a user account (GitHub has no list of the account). */
  perRepository: RestList;
}

type Unread = NonNullable<ResyncPage['unread']>[number];

/** Whether a REST read failed because the object is not there (GitHub answered 404). */
export function isNotFound(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 404;
}

/** A GitHub answer that says the list cannot be read here (the feature off, no permission), not a failure. */
export function refusal(error: unknown): { status: number; message: string } | undefined {
  const failure = error as { status?: number; message?: string; response?: { headers?: Record<string, string> } };
  if (failure?.status !== 403 && failure?.status !== 404) return undefined;
  // A rate limit the reader could not wait out is a failure, not a refusal.
  const headers = failure.response?.headers ?? {};
  if (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined) return undefined;
  if (/rate limit|abuse detection/i.test(failure.message ?? '')) return undefined;
  return { status: failure.status, message: githubMessage(failure.message) };
}

/** GitHub's message without Octokit's documentation link. */
function githubMessage(message: string | undefined): string {
  return (message ?? '').replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '').trim() || 'no message';
}

/** An error naming what was read and what GitHub answered. */
export function readFailure(what: string, error: unknown): Error {
  const failure = error as { status?: number; message?: string };
  const answer =
    typeof failure?.status === 'number'
      ? `GitHub answered ${failure.status}: ${githubMessage(failure.message)}`
      : error instanceof Error
        ? error.message
        : String(error);
  return new Error(`${what}: ${answer}`, { cause: error });
}

/** Only the forward paging parameters of GitHub's next link, each bounded; null when there are none. */
export function pagingOf(next: Record<string, string> | null): Paging | null {
  if (!next) return null;
  const paging: Paging = {};
  if (next.page !== undefined && /^\d{1,9}$/.test(next.page)) paging.page = next.page;
  if (next.after !== undefined && next.after.length > 0 && next.after.length <= LONGEST_PAGING_VALUE) {
    paging.after = next.after;
  }
  return Object.keys(paging).length > 0 ? paging : null;
}

/** Whether `next` moves on from `current` (a next link that repeats its page would never end). */
function advances(current: Paging | null, next: Paging): boolean {
  if (next.page !== undefined && Number(next.page) <= Number(current?.page ?? 1)) return false;
  if (next.after !== undefined && next.after === current?.after) return false;
  return true;
}

/** `read`'s answer, or why GitHub refused it (403/404); any other failure is an error naming `what`. */
async function unlessRefused<T>(what: string, read: () => Promise<T>): Promise<T | { refused: string }> {
  try {
    return await read();
  } catch (error) {
    const refused = refusal(error);
    if (refused) return { refused: `GitHub answered ${refused.status}: ${refused.message}` };
    throw readFailure(what, error);
  }
}

/** One page of `list` with `parameters` (path parameters and paging). */
async function readList(
  reads: Pick<KindReads, 'restPage'>,
  list: Pick<RestList, 'route' | 'parameters' | 'items'>,
  parameters: Record<string, string>,
): Promise<{ items: Array<Record<string, unknown>>; next: Paging | null }> {
  const answer = await reads.restPage<unknown>(list.route, { ...list.parameters, ...parameters, per_page: PER_PAGE });
  const items = list.items ? list.items(answer.data) : answer.data;
  if (!Array.isArray(items)) throw new Error(`GitHub's answer is not a list`);
  return { items: items.filter(isRecord), next: pagingOf(answer.next) };
}

/**
 * Every item of `list` with `parameters`, following GitHub's next links for at most `maxPages` pages within one
 * read; a next link that does not move on ends the list. Failures are thrown as GitHub answered them.
 */
export async function readAllPages(
  reads: Pick<KindReads, 'restPage'>,
  list: Pick<RestList, 'route' | 'parameters' | 'items'>,
  parameters: Record<string, string>,
  maxPages: number,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let paging: Paging | null = null;
  for (let page = 0; page < maxPages; page++) {
    const answer = await readList(reads, list, { ...parameters, ...paging });
    items.push(...answer.items);
    if (!answer.next || !advances(paging, answer.next)) break;
    paging = answer.next;
  }
  return items;
}

/** A walk that reads each repository whole, in one read of `perPage` in a resync page (`read` gives its objects). */
export function wholeRepositories(
  kind: string,
  perPage: number,
  read: (reads: KindReads, repository: RepositoryRef) => Promise<KindObject[]>,
): RepositoryWalk {
  return { kind, perPage, read: async (reads, repository) => ({ objects: await read(reads, repository), next: null }) };
}

/** `list` read repository by repository, a page of it per read. */
function listWalk(list: RestList): RepositoryWalk {
  return {
    kind: list.kind,
    perPage: REQUESTS_PER_PAGE,
    async read(reads, repository, paging) {
      const answer = await readList(reads, list, { owner: repository.owner, repo: repository.name, ...paging });
      const objects = answer.items.flatMap((item) => list.object(item, repository) ?? []);
      return { objects, next: answer.next };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Repository by repository

interface Pending {
  /** The repository's name. */
  name: string;
  paging: Paging;
  /** Pages of it read so far. */
  pages: number;
}

interface RepositoriesCursor {
  /** The last repository started (in the order of `repositories()`); null: none yet. */
  after: string | null;
  /** Repositories whose list has more pages. */
  pending: Pending[];
}

function decodeRepositoriesCursor(value: unknown, perPage: number): RepositoriesCursor {
  const cursor = isRecord(value) ? value : {};
  const pending = Array.isArray(cursor.pending) ? cursor.pending : [];
  return {
    after: typeof cursor.after === 'string' ? cursor.after : null,
    pending: pending
      .filter(isRecord)
      .filter((entry) => typeof entry.name === 'string' && isRecord(entry.paging))
      .map((entry) => ({
        name: entry.name as string,
        paging: pagingOf(entry.paging as Record<string, string>) ?? {},
        pages: typeof entry.pages === 'number' ? entry.pages : 0,
      }))
      .slice(0, perPage),
  };
}

/** Where the repositories after `after` start: after it, or after where it would be if it is gone. */
function startAfter(repositories: readonly RepositoryRef[], after: string | null): number {
  if (after === null) return 0;
  const index = repositories.findIndex((repository) => repository.name === after);
  if (index >= 0) return index + 1;
  const later = repositories.findIndex((repository) => repository.name.toLowerCase() > after.toLowerCase());
  return later >= 0 ? later : repositories.length;
}

/**
 * A resync page of `walk`: the pending pages of repositories begun before, then the first pages of the next
 * repositories, `perPage` reads in all. A list costs one request per repository (and one per further page): 10,000
 * for an organization of 10,000 repositories. The cursor names the last repository begun, so a resync resumed
 * after repositories came or went goes on after it: one added behind it was read by no page, and the walk reads it.
 */
async function repositoriesPage(
  reads: ResyncReads,
  walk: RepositoryWalk,
  cursor: RepositoriesCursor | null,
): Promise<{ objects: KindObject[]; unread: Unread[]; next: RepositoriesCursor | null }> {
  const state = cursor ?? { after: null, pending: [] };
  const repositories = await reads.repositories();
  const byName = new Map(repositories.map((repository) => [repository.name, repository]));
  const work: Array<{ repository: RepositoryRef; paging: Paging | null; pages: number }> = [];
  for (const pending of state.pending) {
    const repository = byName.get(pending.name);
    if (repository) work.push({ repository, paging: pending.paging, pages: pending.pages });
  }
  const start = startAfter(repositories, state.after);
  let index = start;
  while (work.length < walk.perPage && index < repositories.length) {
    work.push({ repository: repositories[index++]!, paging: null, pages: 0 });
  }
  const after = index > start ? repositories[index - 1]!.name : state.after;

  const answers = await Promise.all(
    work.map(({ repository, paging }) =>
      unlessRefused(`${walk.kind} of ${repository.owner}/${repository.name}`, () =>
        walk.read(reads, repository, paging),
      ),
    ),
  );
  const objects: KindObject[] = [];
  const unread: Unread[] = [];
  const pending: Pending[] = [];
  answers.forEach((answer, position) => {
    const { repository, paging, pages } = work[position]!;
    if ('refused' in answer) {
      unread.push({ repository, reason: answer.refused });
      return;
    }
    objects.push(...answer.objects);
    if (!answer.next) return;
    if (!advances(paging, answer.next)) {
      unread.push({ repository, reason: `GitHub's next page repeats page ${JSON.stringify(paging ?? {})}` });
    } else if (pages + 1 >= PAGES_PER_REPOSITORY) {
      unread.push({ repository, reason: `more than ${PAGES_PER_REPOSITORY * PER_PAGE} objects; the rest not read` });
    } else {
      pending.push({ name: repository.name, paging: answer.next, pages: pages + 1 });
    }
  });
  const more = pending.length > 0 || index < repositories.length;
  return { objects, unread, next: more ? { after, pending } : null };
}

/** A resync page of a kind read repository by repository: the cursor is RepositoriesCursor as JSON. */
export async function repositoryWalkPage(
  reads: ResyncReads,
  walk: RepositoryWalk,
  cursor: string | null,
): Promise<ResyncPage> {
  const saved = cursor === null ? null : decodeRepositoriesCursor(parse(cursor), walk.perPage);
  const page = await repositoriesPage(reads, walk, saved);
  return { objects: page.objects, unread: page.unread, next: page.next && JSON.stringify(page.next) };
}

/** A resync page of a per-repository list. */
export function perRepositoryPage(reads: ResyncReads, list: RestList, cursor: string | null): Promise<ResyncPage> {
  return repositoryWalkPage(reads, listWalk(list), cursor);
}

function parse(cursor: string): unknown {
  try {
    return JSON.parse(cursor);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The whole organization at once

/** Whether the account is an organization (GitHub has organization-wide lists) or a user. */
async function isOrganization(reads: KindReads): Promise<boolean> {
  const data = await reads.graphql<{ repositoryOwner: { __typename: string } | null }>(
    `query WharfOwnerType($owner: String!) {
  rateLimit { cost remaining resetAt }
  repositoryOwner(login: $owner) { __typename }
}`,
    { owner: reads.owner },
  );
  if (!data.repositoryOwner) throw new Error(`GitHub knows no account "${reads.owner}"`);
  return data.repositoryOwner.__typename === 'Organization';
}

interface OrganizationCursor {
  paging: Paging | null;
  pages: number;
}

/**
 * A resync page of `list`: for an organization, one page of its organization-wide list (objects of repositories the
 * configuration does not sync are left out); for a user, repository by repository. The first page finds which.
 * The cursor is `{ organization: { paging, pages } }` or `{ repositories: RepositoriesCursor }` as JSON.
 */
export async function accountPage(
  reads: ResyncReads,
  list: OrganizationList,
  cursor: string | null,
): Promise<ResyncPage> {
  const saved = cursor === null ? null : parse(cursor);
  let organization: OrganizationCursor;
  if (isRecord(saved) && isRecord(saved.organization)) {
    const paging = isRecord(saved.organization.paging) ? saved.organization.paging : null;
    const pages = saved.organization.pages;
    organization = {
      paging: paging && pagingOf(paging as Record<string, string>),
      pages: typeof pages === 'number' ? pages : 0,
    };
  } else if (isRecord(saved) && isRecord(saved.repositories)) {
    return repositoriesCursorPage(
      reads,
      list.perRepository,
      decodeRepositoriesCursor(saved.repositories, REQUESTS_PER_PAGE),
    );
  } else if (!(await isOrganization(reads))) {
    return repositoriesCursorPage(reads, list.perRepository, null);
  } else {
    organization = { paging: null, pages: 0 };
  }

  const answer = await unlessRefused(`${list.kind} of ${reads.owner}`, () =>
    readList(reads, list, { org: reads.owner, ...organization.paging }),
  );
  // Refused for the whole organization: every repository's objects are kept.
  if ('refused' in answer) return { objects: [], unread: [{ reason: answer.refused }], next: null };
  const repositories = new Map((await reads.repositories()).map((repository) => [repository.id, repository]));
  const objects: KindObject[] = [];
  for (const item of answer.items) {
    const id = isRecord(item.repository) ? item.repository.id : undefined;
    const repository = typeof id === 'number' ? repositories.get(id) : undefined;
    const object = repository && list.object(item, repository);
    if (object) objects.push(object);
  }
  if (!answer.next) return { objects, next: null };
  if (!advances(organization.paging, answer.next)) {
    return { objects, next: null, unread: [{ reason: `GitHub's next page repeats the page it answered` }] };
  }
  if (organization.pages + 1 >= PAGES_PER_ACCOUNT) {
    return { objects, next: null, unread: [{ reason: `more than ${PAGES_PER_ACCOUNT * PER_PAGE} objects` }] };
  }
  return {
    objects,
    next: JSON.stringify({ organization: { paging: answer.next, pages: organization.pages + 1 } }),
  };
}

async function repositoriesCursorPage(
  reads: ResyncReads,
  list: RestList,
  cursor: RepositoriesCursor | null,
): Promise<ResyncPage> {
  const page = await repositoriesPage(reads, listWalk(list), cursor);
  return {
    objects: page.objects,
    unread: page.unread,
    next: page.next && JSON.stringify({ repositories: page.next }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Live events

/**
 * One object read with a REST GET (`route` with `parameters`): null when GitHub answers 404 (it is gone), an error
 * naming `what` for any other failure.
 */
export async function readOne(
  reads: KindReads,
  route: string,
  parameters: Record<string, unknown>,
  what: string,
): Promise<Record<string, unknown> | null> {
  try {
    const data = await reads.rest<unknown>(route, parameters);
    if (!isRecord(data)) throw new Error(`GitHub's answer is not an object`);
    return data;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw readFailure(what, error);
  }
}
