/**
 * Repository collaborators, the vendor's `collaborator` kind: `GET /repos/{owner}/{repo}/collaborators` repository by
 * repository with the selector's `affiliation` (GitHub's filter: `all`, the default, `direct` or `outside`), each
 * collaborator as GitHub lists it (with `permissions` and `role_name`) plus the vendor's `__repository` and
 * `__organization`, keyed by the user's id within its repository.
 *
 * Live, as the vendor's: a `member` event (a collaborator added, its permission edited, or removed) reads the
 * collaborator again with `GET /repos/{owner}/{repo}/collaborators/{username}/permission`, whose `user` is the list's
 * object; removed, or answered 404 or permission `none`, it is gone. A resource whose affiliation is not `all` takes
 * it only when the repository's list with that filter names it (one list read per such affiliation in force).
 *
 * Teams grant access too, so their events change collaborators: a `membership` added or removed reads the member
 * again in each of the team's repositories (`GET /orgs/{org}/teams/{team_slug}/repos`, then one permission read per
 * repository); a `team` added to or removed from a repository lists the team's members and the repository's
 * collaborators once each, and each member is what that list says (there, or gone). As the vendor does, these are
 * left to resyncs while a resource in force filters by affiliation: a team's grant says nothing of how else the user
 * came to the repository, and an object is written whole across the resources of its kind.
 */
import type { SelectorOf } from '../mapping/index.ts';
import type {
  KindDefinition,
  KindReads,
  LiveChange,
  LiveHandler,
  LiveReads,
  RepositoryRef,
} from './kind-definition.ts';
import { isRecord, payloadRepository, repositoryObject } from './repository-objects.ts';
import { isNotFound, perRepositoryPage, readAllPages, readFailure, readOne, type RestList } from './rest-lists.ts';

const KIND = 'collaborator';

type Affiliation = SelectorOf<'collaborator'>['affiliation'];

/** Pages of a list read for one live event (a repository's collaborators, a team's members or repositories). */
const PAGES_PER_EVENT = 100;

function collaboratorObject(item: Record<string, unknown>, repository: RepositoryRef) {
  return typeof item.id === 'number' ? repositoryObject(item, String(item.id), repository) : undefined;
}

function listOf(affiliation: Affiliation): RestList {
  return {
    kind: KIND,
    route: 'GET /repos/{owner}/{repo}/collaborators',
    parameters: { affiliation },
    object: collaboratorObject,
  };
}

/**
 * The affiliations whose list names a collaborator read by an event, by the object the event gives: the object
 * itself says nothing of how its user came to the repository. Objects of a resync are not here: each resource reads
 * them with its own affiliation.
 */
const listedUnder = new WeakMap<object, ReadonlySet<Affiliation>>();

async function affiliationsListing(
  reads: KindReads,
  repository: RepositoryRef,
  login: string,
  affiliations: ReadonlySet<Affiliation>,
): Promise<Set<Affiliation>> {
  const found = new Set<Affiliation>(['all']);
  for (const affiliation of affiliations) {
    if (affiliation === 'all') continue;
    const listed = await readAllPages(
      reads,
      listOf(affiliation),
      { owner: repository.owner, repo: repository.name },
      PAGES_PER_EVENT,
    );
    if (listed.some((item) => item.login === login)) found.add(affiliation);
  }
  return found;
}

/** The user a `member` or `membership` event is about. */
function memberOf(payload: Record<string, unknown>): { id: number; login: string } | undefined {
  const member = payload.member;
  if (!isRecord(member) || typeof member.id !== 'number' || typeof member.login !== 'string') return undefined;
  return { id: member.id, login: member.login };
}

/** `login` in `repository` as GitHub's permission read gives it, or gone. */
async function readCollaborator(
  reads: KindReads,
  repository: RepositoryRef,
  member: { id: number; login: string },
): Promise<LiveChange> {
  const answer = await readOne(
    reads,
    'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
    { owner: repository.owner, repo: repository.name, username: member.login },
    `${KIND} ${member.login} of ${repository.owner}/${repository.name}`,
  );
  const user = answer && answer.permission !== 'none' && isRecord(answer.user) ? answer.user : null;
  return (user && collaboratorObject(user, repository)) ?? { object: null, item: String(member.id), repository };
}

const memberChanged: LiveHandler = async (payload, reads) => {
  const repository = payloadRepository(payload);
  const member = memberOf(payload);
  if (!repository || !member) return [];
  const selectors = await reads.selectors?.();
  if (selectors?.length === 0) return [];
  if (payload.action === 'removed') return [{ object: null, item: String(member.id), repository }];
  const change = await readCollaborator(reads, repository, member);
  if (change.object) {
    const affiliations = new Set(
      (selectors ?? []).map((selector) => (selector as SelectorOf<'collaborator'>).affiliation),
    );
    listedUnder.set(change.object, await affiliationsListing(reads, repository, member.login, affiliations));
  }
  return [change];
};

/** Whether a team event is not this kind's to apply: no resource in force maps it, or one filters by affiliation. */
async function leftToResyncs(reads: LiveReads): Promise<boolean> {
  const selectors = await reads.selectors?.();
  if (!selectors) return false;
  return selectors.length === 0 || selectors.some((selector) => selector.affiliation !== 'all');
}

/** All of a list read for a live event; a team GitHub no longer has (deleted since) lists nothing. */
async function readEventList(
  reads: KindReads,
  route: string,
  parameters: Record<string, string>,
  what: string,
): Promise<Array<Record<string, unknown>>> {
  try {
    return await readAllPages(reads, { route, parameters: {} }, parameters, PAGES_PER_EVENT);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw readFailure(what, error);
  }
}

/** A repository of a team's list, with what repositoryType judges. */
function listedRepository(item: Record<string, unknown>, owner: string): RepositoryRef | undefined {
  if (typeof item.id !== 'number' || typeof item.name !== 'string') return undefined;
  return {
    id: item.id,
    name: item.name,
    owner,
    defaultBranch: typeof item.default_branch === 'string' ? item.default_branch : null,
    private: item.private === true,
    fork: item.fork === true,
  };
}

const teamSlug = (payload: Record<string, unknown>) =>
  isRecord(payload.team) && typeof payload.team.slug === 'string' ? payload.team.slug : undefined;

const membershipChanged: LiveHandler = async (payload, reads) => {
  const member = memberOf(payload);
  const slug = teamSlug(payload);
  if (!member || !slug || (await leftToResyncs(reads))) return [];
  const listed = await readEventList(
    reads,
    'GET /orgs/{org}/teams/{team_slug}/repos',
    { org: reads.owner, team_slug: slug },
    `the repositories of team ${slug} of ${reads.owner}`,
  );
  const changes: LiveChange[] = [];
  for (const item of listed) {
    const repository = listedRepository(item, reads.owner);
    if (repository) changes.push(await readCollaborator(reads, repository, member));
  }
  return changes;
};

const teamRepositoryChanged: LiveHandler = async (payload, reads) => {
  const repository = payloadRepository(payload);
  const slug = teamSlug(payload);
  if (!repository || !slug || (await leftToResyncs(reads))) return [];
  const members = await readEventList(
    reads,
    'GET /orgs/{org}/teams/{team_slug}/members',
    { org: reads.owner, team_slug: slug },
    `the members of team ${slug} of ${reads.owner}`,
  );
  if (members.length === 0) return [];
  const collaborators = await readEventList(
    reads,
    'GET /repos/{owner}/{repo}/collaborators',
    { owner: repository.owner, repo: repository.name },
    `the collaborators of ${repository.owner}/${repository.name}`,
  );
  const byLogin = new Map(collaborators.map((collaborator) => [collaborator.login, collaborator]));
  return members.flatMap((member): LiveChange[] => {
    if (typeof member.id !== 'number') return [];
    const listed = byLogin.get(member.login);
    return [
      (listed && collaboratorObject(listed, repository)) ?? { object: null, item: String(member.id), repository },
    ];
  });
};

export const collaboratorKind: KindDefinition<'collaborator'> = {
  kind: KIND,
  scope: 'repository',
  resyncPage: (reads, selector, cursor) => perRepositoryPage(reads, listOf(selector.affiliation), cursor),
  selects: (selector, object) => listedUnder.get(object)?.has(selector.affiliation) ?? true,
  events: {
    'member.added': memberChanged,
    'member.edited': memberChanged,
    'member.removed': memberChanged,
    'membership.added': membershipChanged,
    'membership.removed': membershipChanged,
    'team.added_to_repository': teamRepositoryChanged,
    'team.removed_from_repository': teamRepositoryChanged,
  },
  // The list and the permission read need Metadata; GitHub sends `member` events to Apps with Members.
  permissions: { metadata: 'read', members: 'read' },
};
