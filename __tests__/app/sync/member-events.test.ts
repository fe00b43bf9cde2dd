/**
 * The collaborator kind and the `member` event, as the vendor's integration has them: a resync lists each
 * repository's collaborators with the resource's `affiliation`; a recorded `member` delivery (added, edited,
 * removed) reads the collaborator again through its permission, or takes it away; a resource whose affiliation is
 * not `all` takes a collaborator only when GitHub's list with that filter names it. Team grants: recorded
 * `membership` and `team` (added to or removed from a repository) deliveries read again the collaborators they
 * change, in the repositories `repositoryType` takes, unless a resource filters by affiliation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub } from '../../helpers/github-app.ts';
import {
  entity,
  identifiers,
  recordedPayload,
  repositoryObject,
  resyncOwner,
  settled,
  startSyncCatalog,
  stringBlueprint,
} from './sync-helpers.ts';

const ORG = 'collab-org';
const INSTALLATION = 8700;
/** An organization whose collaborator resource takes every affiliation, and only public repositories. */
const TEAM_ORG = 'team-org';
const TEAM_INSTALLATION = 8701;

const CONFIG = `
resources:
  - kind: collaborator
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + .login
          title: .login
          blueprint: '"githubCollaborator"'
          properties:
            role: .role_name
            repository: .__repository
            organization: .__organization
  - kind: collaborator
    selector:
      query: 'true'
      affiliation: outside
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + .login
          title: .login
          blueprint: '"outsideCollaborator"'
          properties:
            role: .role_name
`;

const TEAM_CONFIG = `
repositoryType: public
resources:
  - kind: collaborator
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + .login
          title: .login
          blueprint: '"teamCollaborator"'
          properties:
            role: .role_name
`;

type Affiliation = 'all' | 'direct' | 'outside';

interface FakeCollaborator {
  login: string;
  id: number;
  role: 'read' | 'write' | 'admin';
  /** An outside collaborator (not a member of the organization). */
  outside: boolean;
}

let github: FakeGithub;
let catalog: TestCatalog;
let api: FakeRepository;
let web: FakeRepository;
/** Each repository's collaborators, by `owner/name` in lower case. */
const collaborators = new Map<string, FakeCollaborator[]>();
/** The `affiliation` of each list request, in order. */
let listed: string[] = [];
/** Each team's repositories and members, by `org/slug` in lower case. */
const teams = new Map<string, { repositories: FakeRepository[]; members: FakeCollaborator[] }>();

/** A collaborator as GitHub's REST API gives it: the recorded member's user fields, its role and permissions. */
function restCollaborator(collaborator: FakeCollaborator): Record<string, unknown> {
  const user = recordedPayload('member', 'added').member as Record<string, unknown>;
  return {
    ...user,
    login: collaborator.login,
    id: collaborator.id,
    node_id: `U_${collaborator.id}`,
    url: `https://api.github.com/users/${collaborator.login}`,
    html_url: `https://github.com/${collaborator.login}`,
    permissions: {
      pull: true,
      triage: collaborator.role !== 'read',
      push: collaborator.role !== 'read',
      maintain: collaborator.role === 'admin',
      admin: collaborator.role === 'admin',
    },
    role_name: collaborator.role,
  };
}

const collaboratorsOf = (params: Record<string, string>) =>
  collaborators.get(`${params.owner}/${params.repo}`.toLowerCase()) ?? [];

/** A recorded `member` delivery about `collaborator` in `repository`, with the installation. */
function memberEvent(action: string, repository: FakeRepository, collaborator: FakeCollaborator) {
  const recorded = recordedPayload('member', action === 'edited' ? 'edited' : 'added');
  return {
    ...recorded,
    action,
    member: { ...(recorded.member as object), login: collaborator.login, id: collaborator.id },
    repository: repositoryObject(repository),
    installation: { id: INSTALLATION },
  };
}

/** A recorded `membership` delivery: `collaborator` added to or removed from team `slug` of the team organization. */
function membershipEvent(action: 'added' | 'removed', slug: string, collaborator: FakeCollaborator) {
  const recorded = recordedPayload('membership', action);
  return {
    ...recorded,
    member: { ...(recorded.member as object), login: collaborator.login, id: collaborator.id },
    team: { ...(recorded.team as object), slug },
    organization: { ...(recorded.organization as object), login: TEAM_ORG },
    installation: { id: TEAM_INSTALLATION },
  };
}

/** A recorded `team` delivery: team `slug` added to or removed from `repository`. */
function teamEvent(
  action: 'added_to_repository' | 'removed_from_repository',
  slug: string,
  repository: FakeRepository,
) {
  const recorded = recordedPayload('team', action);
  return {
    ...recorded,
    team: { ...(recorded.team as object), slug },
    repository: repositoryObject(repository),
    organization: { ...(recorded.organization as object), login: repository.owner },
    installation: { id: repository.owner === TEAM_ORG ? TEAM_INSTALLATION : INSTALLATION },
  };
}

const teamOf = (params: Record<string, string>) => teams.get(`${params.org}/${params.team_slug}`.toLowerCase());

async function deliver(event: string, payload: unknown): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

const permissionReads = () =>
  github.requests.filter((request) => /\/collaborators\/[^/]+\/permission/.test(request.path)).length;
const teamReads = () => github.requests.filter((request) => request.path.includes('/teams/')).length;

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  github.addRepository({ id: 87_000, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  api = github.addRepository({ id: 87_001, name: 'api', owner: ORG, files: {} });
  web = github.addRepository({ id: 87_002, name: 'web', owner: ORG, files: {} });
  github.route('GET', '/repos/{owner}/{repo}/collaborators', ({ params, query }) => {
    const affiliation = (query.get('affiliation') ?? 'all') as Affiliation;
    listed.push(affiliation);
    const taken = collaboratorsOf(params).filter((collaborator) => affiliation !== 'outside' || collaborator.outside);
    return { status: 200, body: taken.map(restCollaborator) };
  });
  github.route('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', ({ params }) => {
    const found = collaboratorsOf(params).find((collaborator) => collaborator.login === params.username);
    if (!found) return { status: 404, body: { message: 'Not Found' } };
    return { status: 200, body: { permission: found.role, role_name: found.role, user: restCollaborator(found) } };
  });
  github.route('GET', '/orgs/{org}/teams/{team_slug}/repos', ({ params }) => {
    const team = teamOf(params);
    return team ? { status: 200, body: team.repositories.map(repositoryObject) } : { status: 404, body: {} };
  });
  github.route('GET', '/orgs/{org}/teams/{team_slug}/members', ({ params }) => {
    const team = teamOf(params);
    return team ? { status: 200, body: team.members.map(restCollaborator) } : { status: 404, body: {} };
  });
  github.addInstallation(TEAM_ORG, TEAM_INSTALLATION);
  github.addRepository({
    id: 88_000,
    name: '.github',
    owner: TEAM_ORG,
    files: { '.github/port-app-config.yml': TEAM_CONFIG },
  });
  catalog = await startSyncCatalog(github);
  await stringBlueprint(catalog, 'githubCollaborator', ['role', 'repository', 'organization']);
  await stringBlueprint(catalog, 'outsideCollaborator', ['role']);
  await stringBlueprint(catalog, 'teamCollaborator', ['role']);
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});
beforeEach(() => {
  listed = [];
  github.reset();
});

test('a resync maps every collaborator of every repository, each resource with its own affiliation', async () => {
  collaborators.set(`${ORG}/api`, [
    { login: 'octocat', id: 1, role: 'admin', outside: false },
    { login: 'contractor', id: 2, role: 'write', outside: true },
  ]);
  collaborators.set(`${ORG}/web`, [{ login: 'octocat', id: 1, role: 'read', outside: false }]);

  expect(await resyncOwner(catalog, ORG)).toMatchObject({ state: 'completed', errors: 0 });

  expect(await identifiers(catalog, 'githubCollaborator')).toEqual(['api-contractor', 'api-octocat', 'web-octocat']);
  expect(await entity(catalog, 'githubCollaborator', 'api-octocat')).toMatchObject({
    title: 'octocat',
    properties: { role: 'admin', repository: 'api', organization: ORG },
  });
  expect(await entity(catalog, 'githubCollaborator', 'web-octocat')).toMatchObject({ properties: { role: 'read' } });
  expect(await identifiers(catalog, 'outsideCollaborator')).toEqual(['api-contractor']);
  // Each repository listed once per resource: with GitHub's default filter, and with `outside`.
  expect(listed.sort()).toEqual(['all', 'all', 'all', 'outside', 'outside', 'outside']);
});

test('member added: the collaborator is read through its permission; the outside resource takes an outside one only', async () => {
  const newcomer: FakeCollaborator = { login: 'hacktocat', id: 39_652_351, role: 'write', outside: true };
  const member: FakeCollaborator = { login: 'teammate', id: 4, role: 'read', outside: false };
  collaborators.set(`${ORG}/web`, [...(collaborators.get(`${ORG}/web`) ?? []), newcomer, member]);

  await deliver('member', memberEvent('added', web, newcomer));
  expect(await entity(catalog, 'githubCollaborator', 'web-hacktocat')).toMatchObject({
    title: 'hacktocat',
    properties: { role: 'write', repository: 'web', organization: ORG },
  });
  expect(await entity(catalog, 'outsideCollaborator', 'web-hacktocat')).toMatchObject({
    properties: { role: 'write' },
  });
  expect(permissionReads()).toBe(1);
  // The outside resource asked GitHub's list with its filter; the `all` one needed no list.
  expect(listed).toEqual(['outside']);

  await deliver('member', memberEvent('added', web, member));
  expect(await entity(catalog, 'githubCollaborator', 'web-teammate')).toMatchObject({ properties: { role: 'read' } });
  expect(await entity(catalog, 'outsideCollaborator', 'web-teammate')).toBeUndefined();
});

test('member edited: the collaborator is read again with its new role', async () => {
  const list = collaborators.get(`${ORG}/web`)!;
  list.find((collaborator) => collaborator.login === 'hacktocat')!.role = 'admin';
  await deliver(
    'member',
    memberEvent(
      'edited',
      web,
      list.find((collaborator) => collaborator.login === 'hacktocat')!,
    ),
  );
  expect(await entity(catalog, 'githubCollaborator', 'web-hacktocat')).toMatchObject({ properties: { role: 'admin' } });
  expect(await entity(catalog, 'outsideCollaborator', 'web-hacktocat')).toMatchObject({
    properties: { role: 'admin' },
  });
});

test('member removed: its entities go without a read; the same user in another repository stays', async () => {
  const octocat = collaborators.get(`${ORG}/api`)!.find((collaborator) => collaborator.login === 'octocat')!;
  collaborators.set(
    `${ORG}/api`,
    collaborators.get(`${ORG}/api`)!.filter((collaborator) => collaborator !== octocat),
  );
  await deliver('member', memberEvent('removed', api, octocat));
  expect(await entity(catalog, 'githubCollaborator', 'api-octocat')).toBeUndefined();
  expect(await entity(catalog, 'githubCollaborator', 'web-octocat')).toBeDefined();
  expect(permissionReads()).toBe(0);

  const hacktocat = collaborators.get(`${ORG}/web`)!.find((collaborator) => collaborator.login === 'hacktocat')!;
  await deliver('member', memberEvent('removed', web, hacktocat));
  expect(await entity(catalog, 'githubCollaborator', 'web-hacktocat')).toBeUndefined();
  expect(await entity(catalog, 'outsideCollaborator', 'web-hacktocat')).toBeUndefined();
});

test('an added collaborator GitHub no longer lists (removed since, the delivery late) loses its entities', async () => {
  const gone: FakeCollaborator = { login: 'contractor', id: 2, role: 'write', outside: true };
  expect(await entity(catalog, 'githubCollaborator', 'api-contractor')).toBeDefined();
  collaborators.set(
    `${ORG}/api`,
    collaborators.get(`${ORG}/api`)!.filter((collaborator) => collaborator.login !== 'contractor'),
  );
  await deliver('member', memberEvent('added', api, gone));
  expect(await entity(catalog, 'githubCollaborator', 'api-contractor')).toBeUndefined();
  expect(await entity(catalog, 'outsideCollaborator', 'api-contractor')).toBeUndefined();
  expect(permissionReads()).toBe(1);
});

describe('team grants', () => {
  const developer: FakeCollaborator = { login: 'Codertocat', id: 21_031_067, role: 'write', outside: false };
  const lead: FakeCollaborator = { login: 'lead', id: 7, role: 'admin', outside: false };
  let billing: FakeRepository;
  let ledger: FakeRepository;
  let vault: FakeRepository;

  beforeAll(() => {
    billing = github.addRepository({ id: 88_001, name: 'billing', owner: TEAM_ORG, files: {} });
    ledger = github.addRepository({ id: 88_002, name: 'ledger', owner: TEAM_ORG, files: {} });
    // Private: repositoryType public leaves it out.
    vault = github.addRepository({ id: 88_003, name: 'vault', owner: TEAM_ORG, private: true, files: {} });
    teams.set(`${TEAM_ORG}/payments`, { repositories: [billing, ledger, vault], members: [lead] });
  });

  test("membership added: the member is read in each of the team's repositories repositoryType takes", async () => {
    teams.get(`${TEAM_ORG}/payments`)!.members.push(developer);
    for (const repository of [billing, ledger, vault]) {
      collaborators.set(`${TEAM_ORG}/${repository.name}`, [developer]);
    }
    await deliver('membership', membershipEvent('added', 'payments', developer));
    expect(await identifiers(catalog, 'teamCollaborator')).toEqual(['billing-Codertocat', 'ledger-Codertocat']);
    expect(await entity(catalog, 'teamCollaborator', 'billing-Codertocat')).toMatchObject({
      properties: { role: 'write' },
    });
    // The team's repositories once, then the member's permission in each.
    expect(github.requests.filter((request) => request.path.endsWith('/teams/payments/repos'))).toHaveLength(1);
    expect(permissionReads()).toBe(3);
  });

  test('membership removed: the member goes where the team was its only grant, and stays where it has another', async () => {
    teams.get(`${TEAM_ORG}/payments`)!.members = [lead];
    // Still a direct collaborator of ledger; billing's access came through the team only.
    collaborators.set(`${TEAM_ORG}/billing`, []);
    await deliver('membership', membershipEvent('removed', 'payments', developer));
    expect(await identifiers(catalog, 'teamCollaborator')).toEqual(['ledger-Codertocat']);
  });

  test("team added to a repository: its members are what the repository's collaborator list says", async () => {
    teams.get(`${TEAM_ORG}/payments`)!.members = [lead, developer];
    collaborators.set(`${TEAM_ORG}/billing`, [lead, developer]);
    await deliver('team', teamEvent('added_to_repository', 'payments', billing));
    expect(await identifiers(catalog, 'teamCollaborator')).toEqual([
      'billing-Codertocat',
      'billing-lead',
      'ledger-Codertocat',
    ]);
    expect(await entity(catalog, 'teamCollaborator', 'billing-lead')).toMatchObject({ properties: { role: 'admin' } });
    // Two lists, and no read per member.
    expect(permissionReads()).toBe(0);
  });

  test('team removed from a repository: members whose access came through it go, the others stay', async () => {
    collaborators.set(`${TEAM_ORG}/billing`, [lead]);
    await deliver('team', teamEvent('removed_from_repository', 'payments', billing));
    expect(await identifiers(catalog, 'teamCollaborator')).toEqual(['billing-lead', 'ledger-Codertocat']);
  });

  test('a team event of a private repository under repositoryType public writes nothing', async () => {
    collaborators.set(`${TEAM_ORG}/vault`, [lead, developer]);
    await deliver('team', teamEvent('added_to_repository', 'payments', vault));
    expect((await identifiers(catalog, 'teamCollaborator')).filter((id) => id.startsWith('vault-'))).toEqual([]);
  });

  test('where a resource filters by affiliation, team events are left to resyncs, as the vendor leaves them', async () => {
    teams.set(`${ORG}/platform`, { repositories: [api, web], members: [developer] });
    collaborators.set(`${ORG}/api`, [...(collaborators.get(`${ORG}/api`) ?? []), developer]);
    await deliver('team', teamEvent('added_to_repository', 'platform', api));
    expect(await entity(catalog, 'githubCollaborator', 'api-Codertocat')).toBeUndefined();
    expect(teamReads()).toBe(0);
  });
});
