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
 */
import type { SelectorOf } from '../mapping/index.ts';
import type { KindDefinition, KindReads, LiveHandler, RepositoryRef } from './kind-definition.ts';
import { isRecord, payloadRepository, repositoryObject } from './repository-objects.ts';
import { perRepositoryPage, readAllPages, readOne, type RestList } from './rest-lists.ts';

const KIND = 'collaborator';

type Affiliation = SelectorOf<'collaborator'>['affiliation'];

/** Pages of a repository's collaborators read to find whether an affiliation lists one: 10,000 collaborators. */
const PAGES_PER_CHECK = 100;

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
      PAGES_PER_CHECK,
    );
    if (listed.some((item) => item.login === login)) found.add(affiliation);
  }
  return found;
}

const collaboratorChanged: LiveHandler = async (payload, reads) => {
  const repository = payloadRepository(payload);
  const member = payload.member;
  if (!repository || !isRecord(member) || typeof member.id !== 'number' || typeof member.login !== 'string') return [];
  const selectors = await reads.selectors?.();
  if (selectors?.length === 0) return [];
  const item = String(member.id);
  const gone = [{ object: null, item, repository }];
  if (payload.action === 'removed') return gone;
  const answer = await readOne(
    reads,
    'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
    { owner: repository.owner, repo: repository.name, username: member.login },
    `${KIND} ${member.login} of ${repository.owner}/${repository.name}`,
  );
  const user = answer && answer.permission !== 'none' && isRecord(answer.user) ? answer.user : null;
  const found = user && collaboratorObject(user, repository);
  if (!found) return gone;
  const affiliations = new Set(
    (selectors ?? []).map((selector) => (selector as SelectorOf<'collaborator'>).affiliation),
  );
  listedUnder.set(found.object, await affiliationsListing(reads, repository, member.login, affiliations));
  return [found];
};

export const collaboratorKind: KindDefinition<'collaborator'> = {
  kind: KIND,
  scope: 'repository',
  resyncPage: (reads, selector, cursor) => perRepositoryPage(reads, listOf(selector.affiliation), cursor),
  selects: (selector, object) => listedUnder.get(object)?.has(selector.affiliation) ?? true,
  events: {
    'member.added': collaboratorChanged,
    'member.edited': collaboratorChanged,
    'member.removed': collaboratorChanged,
  },
  // The list and the permission read need Metadata; GitHub sends `member` events to Apps with Members.
  permissions: { metadata: 'read', members: 'read' },
};
