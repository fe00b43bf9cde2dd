/**
 * The organization, team and user kinds: the vendor's example mappings applied by a resync through the fake GitHub
 * into the real catalog, their selector options, stale deletion, and the live events (recorded payloads) of each.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../../helpers/catalog-server.ts';
import { type FakeGithub, startFakeGithub } from '../../../helpers/fake-github.ts';
import { type FakeOrgData, graphqlTeam, graphqlUser, serveOrgData } from '../../../helpers/fake-org.ts';
import { deliverWebhook, releaseGithub } from '../../../helpers/github-app.ts';
import {
  entity,
  identifiers,
  recordedPayload,
  resyncOwner,
  settled,
  startSyncCatalog,
  stringBlueprint,
} from '../sync-helpers.ts';

/** The vendor's example mappings of the three kinds (its default port-app-config.yml and documented examples). */
const CONFIG = `
createMissingRelatedEntities: true
deleteDependentEntities: true
resources:
  - kind: organization
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .login
          title: .name
          blueprint: '"githubOrganization"'
          properties:
            login: .login
            description: .description
            url: .html_url
  - kind: user
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .login
          title: .login
          blueprint: '"githubUser"'
          properties:
            login: .login
            email: .email
  - kind: team
    selector:
      query: 'true'
      members: true
    port:
      entity:
        mappings:
          identifier: .id | tostring
          title: .name
          blueprint: '"githubTeam"'
          properties:
            slug: .slug
            description: .description
            link: .url
            permission: .permission
            notification_setting: .notificationsetting
            members: '[.members.nodes[].login]'
          relations:
            githubUser: '[.members.nodes[].login]'
`;

/** The selector options: members off (no `members` in the object), bots left out. */
const SELECTOR_CONFIG = `
resources:
  - kind: user
    selector:
      query: 'true'
      includeBots: false
    port:
      entity:
        mappings:
          identifier: '"sel-" + .login'
          title: .login
          blueprint: '"githubUser"'
          properties:
            login: .login
  - kind: team
    selector:
      query: .slug != "hidden"
      members: false
    port:
      entity:
        mappings:
          identifier: '"sel-" + (.id | tostring)'
          title: .name
          blueprint: '"githubTeam"'
          properties:
            slug: .slug
            hasMembers: .members != null
`;

const ORG = 'acct-org';
const SELECTORS = 'acct-selectors';
const BENCH = 'acct-bench';
const PERSONAL = 'acct-person';
let nextInstallation = 8100;
let nextRepository = 81_000;

let github: FakeGithub;
let catalog: TestCatalog;
let data: FakeOrgData;
const warnings: string[] = [];

type Team = ReturnType<typeof graphqlTeam>;
type User = ReturnType<typeof graphqlUser>;
/** The GraphQL teams and members of each organization, which tests change. */
const teams = new Map<string, Team[]>();
const members = new Map<string, User[]>();

function account(login: string, config: string, type: 'Organization' | 'User' = 'Organization'): number {
  const installationId = nextInstallation++;
  github.addInstallation(login, installationId, type);
  github.addRepository({
    id: nextRepository++,
    name: '.github',
    owner: login,
    files: { '.github/port-app-config.yml': config },
  });
  data.organizations.set(login.toLowerCase(), {
    login,
    id: 70_000 + installationId,
    name: `The ${login} organization`,
    description: `All of ${login}`,
    html_url: `https://github.com/${login}`,
  });
  if (type === 'User') return installationId;
  teams.set(login, []);
  members.set(login, []);
  github.setOwnerGraphql(login, {
    teams: () => teams.get(login)!,
    team: ({ slug }: { slug: string }) => teams.get(login)!.find((team) => team.slug === slug) ?? null,
    membersWithRole: () => members.get(login)!,
  });
  return installationId;
}

const resync = (owner: string) => resyncOwner(catalog, owner);

async function deliver(event: string, payload: Record<string, unknown>): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

/** A recorded payload about `login`'s organization, with the installation the recordings lack. */
function orgPayload(
  event: string,
  action: string,
  login: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const recorded = recordedPayload(event, action);
  const { repository: _repository, ...rest } = recorded;
  return {
    ...rest,
    organization: { ...(recorded.organization as object), login, id: data.organizations.get(login.toLowerCase())!.id },
    installation: { id: installationOf.get(login) },
    ...extra,
  };
}
const installationOf = new Map<string, number>();

const operations = (from: number, name: string) =>
  github.requests.slice(from).filter((request) => request.operation === name).length;

beforeAll(async () => {
  github = await startFakeGithub();
  data = serveOrgData(github);
  for (const [login, config, type] of [
    [ORG, CONFIG, 'Organization'],
    [SELECTORS, SELECTOR_CONFIG, 'Organization'],
    [BENCH, CONFIG, 'Organization'],
    [PERSONAL, CONFIG, 'User'],
  ] as const) {
    installationOf.set(login, account(login, config, type));
  }
  catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
  await stringBlueprint(catalog, 'githubOrganization', ['login', 'description', 'url']);
  await stringBlueprint(catalog, 'githubUser', ['login', 'email']);
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'githubTeam',
    title: 'githubTeam',
    schema: {
      properties: {
        slug: { type: 'string' },
        description: { type: 'string' },
        link: { type: 'string' },
        permission: { type: 'string' },
        notification_setting: { type: 'string' },
        members: { type: 'array' },
        hasMembers: { type: 'boolean' },
      },
    },
    relations: { githubUser: { title: 'Members', target: 'githubUser', many: true, required: false } },
  });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

describe('a resync with the vendor example mappings', () => {
  test('writes the organization, its members and its teams with their members, following a large team', async () => {
    const alice = graphqlUser('alice', 501);
    const bob = graphqlUser('bob', 502);
    members.set(ORG, [alice, bob]);
    // 130 members: one query for the teams and their first 100 members, one more for the rest.
    const crowd = Array.from({ length: 130 }, (_, index) => graphqlUser(`crowd-${index}`, 600 + index));
    teams.set(ORG, [graphqlTeam(ORG, 11, 'platform', [alice, bob]), graphqlTeam(ORG, 12, 'everyone', crowd)]);

    const before = github.requests.length;
    const record = await resync(ORG);
    expect(record).toMatchObject({ state: 'completed', errors: 0 });
    expect(operations(before, 'WharfTeams')).toBe(1);
    expect(operations(before, 'WharfTeamMembers')).toBe(1);
    expect(operations(before, 'WharfMembers')).toBe(1);

    expect(await entity(catalog, 'githubOrganization', ORG)).toMatchObject({
      title: `The ${ORG} organization`,
      properties: { login: ORG, description: `All of ${ORG}`, url: `https://github.com/${ORG}` },
    });
    expect(await entity(catalog, 'githubUser', 'alice')).toMatchObject({
      properties: { login: 'alice', email: 'alice@example.com' },
    });
    const platform = await entity(catalog, 'githubTeam', '11');
    expect(platform).toMatchObject({
      title: 'platform',
      properties: {
        slug: 'platform',
        description: 'The platform team',
        permission: 'pull',
        members: ['alice', 'bob'],
      },
      relations: { githubUser: ['alice', 'bob'] },
    });
    expect(platform!.properties.link).toMatch(/\/organizations\/\d+\/team\/11$/);
    const everyone = await entity(catalog, 'githubTeam', '12');
    expect(everyone!.relations.githubUser).toHaveLength(130);
    // Members who are not among the organization's members were made by createMissingRelatedEntities.
    expect(await entity(catalog, 'githubUser', 'crowd-129')).toBeDefined();
  });

  test('100 teams of 20 members are one request', async () => {
    const people = Array.from({ length: 20 }, (_, index) => graphqlUser(`bench-${index}`, 900 + index));
    teams.set(
      BENCH,
      Array.from({ length: 100 }, (_, index) => graphqlTeam(BENCH, 2000 + index, `squad-${index}`, people)),
    );
    const before = github.requests.length;
    expect(await resync(BENCH)).toMatchObject({ state: 'completed', errors: 0 });
    expect(operations(before, 'WharfTeams')).toBe(1);
    expect(operations(before, 'WharfTeamMembers')).toBe(0);
    expect(await entity(catalog, 'githubTeam', '2099')).toMatchObject({
      relations: { githubUser: people.map((p) => p.login) },
    });
  });

  test('a team or member gone from GitHub loses its entity at the next resync', async () => {
    // Bob leaves the organization, so its teams too (deleteDependentEntities would take a team relating to him).
    const alice = graphqlUser('alice', 501);
    members.set(ORG, [alice]);
    teams.set(ORG, [{ ...teams.get(ORG)![0]!, members: [alice] }]);
    expect(await resync(ORG)).toMatchObject({ state: 'completed', errors: 0 });
    expect(await entity(catalog, 'githubTeam', '12')).toBeUndefined();
    expect(await entity(catalog, 'githubTeam', '11')).toBeDefined();
    expect(await entity(catalog, 'githubUser', 'bob')).toBeUndefined();
  });

  test('a user account: the organization kind maps the user, teams and members are none', async () => {
    const before = warnings.length;
    expect(await resync(PERSONAL)).toMatchObject({ state: 'completed', errors: 0 });
    expect(await entity(catalog, 'githubOrganization', PERSONAL)).toMatchObject({ properties: { login: PERSONAL } });
    expect(warnings.slice(before)).toEqual([]);
  });
});

describe('selector options', () => {
  test('members: false reads teams without members; includeBots: false leaves bots out', async () => {
    const carol = graphqlUser('carol', 701);
    members.set(SELECTORS, [carol, graphqlUser('builder[bot]', 702)]);
    teams.set(SELECTORS, [graphqlTeam(SELECTORS, 31, 'core', [carol]), graphqlTeam(SELECTORS, 32, 'hidden', [])]);
    expect(await resync(SELECTORS)).toMatchObject({ state: 'completed', errors: 0 });
    expect(await entity(catalog, 'githubTeam', 'sel-31')).toMatchObject({
      properties: { slug: 'core', hasMembers: false },
    });
    expect(await entity(catalog, 'githubTeam', 'sel-32')).toBeUndefined();
    expect((await identifiers(catalog, 'githubUser')).filter((id) => id.startsWith('sel-'))).toEqual(['sel-carol']);
  });

  test('a bot added to the organization stays out under includeBots: false, a person is mapped', async () => {
    const added = [graphqlUser('deployer[bot]', 703), graphqlUser('frank', 704)];
    github.setQueryGraphql({ user: ({ login }: { login: string }) => added.find((user) => user.login === login) });
    for (const user of added) {
      const payload = orgPayload('organization', 'member_added', SELECTORS);
      (payload.membership as { user: Record<string, unknown> }).user = { login: user.login, id: user.databaseId };
      await deliver('organization', payload);
    }
    expect(await entity(catalog, 'githubUser', 'sel-frank')).toBeDefined();
    expect(await entity(catalog, 'githubUser', 'sel-deployer[bot]')).toBeUndefined();
  });
});

describe('live events', () => {
  test('team edited, then membership added: the team is read again with its members', async () => {
    const alice = graphqlUser('alice', 501);
    const dave = graphqlUser('dave', 504);
    const platform = teams.get(ORG)![0]!;
    platform.description = 'Runs the platform';
    const edited = orgPayload('team', 'edited', ORG);
    edited.team = { ...(edited.team as object), id: 11, slug: 'platform' };
    await deliver('team', edited);
    expect(await entity(catalog, 'githubTeam', '11')).toMatchObject({
      properties: { description: 'Runs the platform' },
    });

    platform.members = [alice, dave];
    const added = orgPayload('membership', 'added', ORG);
    added.team = { ...(added.team as object), id: 11, slug: 'platform' };
    added.member = { ...(added.member as object), login: 'dave', id: 504 };
    await deliver('membership', added);
    expect(await entity(catalog, 'githubTeam', '11')).toMatchObject({
      relations: { githubUser: ['alice', 'dave'] },
    });
    expect(await entity(catalog, 'githubUser', 'dave')).toBeDefined();
  });

  test('team created and deleted', async () => {
    const created = graphqlTeam(ORG, 13, 'newcomers', [graphqlUser('alice', 501)]);
    teams.get(ORG)!.push(created);
    const payload = orgPayload('team', 'created', ORG);
    payload.team = { ...(payload.team as object), id: 13, slug: 'newcomers' };
    await deliver('team', payload);
    expect(await entity(catalog, 'githubTeam', '13')).toMatchObject({ title: 'newcomers' });

    teams.set(
      ORG,
      teams.get(ORG)!.filter((team) => team !== created),
    );
    const deleted = orgPayload('team', 'deleted', ORG);
    deleted.team = { ...(deleted.team as object), id: 13, slug: 'newcomers' };
    await deliver('team', deleted);
    expect(await entity(catalog, 'githubTeam', '13')).toBeUndefined();
  });

  test('organization member_added writes the user, member_removed deletes it', async () => {
    const erin = graphqlUser('erin', 505);
    github.setQueryGraphql({ user: ({ login }: { login: string }) => (login === 'erin' ? erin : null) });
    const added = orgPayload('organization', 'member_added', ORG);
    (added.membership as { user: Record<string, unknown> }).user = { login: 'erin', id: 505 };
    await deliver('organization', added);
    expect(await entity(catalog, 'githubUser', 'erin')).toMatchObject({
      properties: { login: 'erin', email: 'erin@example.com' },
    });

    const removed = orgPayload('organization', 'member_added', ORG, { action: 'member_removed' });
    (removed.membership as { user: Record<string, unknown> }).user = { login: 'erin', id: 505 };
    await deliver('organization', removed);
    expect(await entity(catalog, 'githubUser', 'erin')).toBeUndefined();
  });

  test('organization renamed reads it again; deleted deletes it', async () => {
    data.organizations.get(ORG.toLowerCase())!.description = 'Renamed and described anew';
    await deliver('organization', orgPayload('organization', 'renamed', ORG));
    expect(await entity(catalog, 'githubOrganization', ORG)).toMatchObject({
      properties: { description: 'Renamed and described anew' },
    });

    await deliver('organization', orgPayload('organization', 'renamed', ORG, { action: 'deleted' }));
    expect(await entity(catalog, 'githubOrganization', ORG)).toBeUndefined();
  });
});
