/**
 * `repositoryType` on live events, as in a resync: recorded deliveries about a repository the type leaves out (and
 * about the objects in it) write nothing, the same deliveries about one it takes do; a repository made private out
 * of `repositoryType: public` loses everything it produced, as a deleted one does, and made public again it is
 * mapped at once, with what it holds read by a resync.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub, workflowRunPayload } from '../../helpers/github-app.ts';
import {
  entity,
  identifiers,
  INSTALLATION,
  pushEvent,
  recordedPayload,
  repositoryObject,
  settled,
  startSyncCatalog,
  stringBlueprint,
} from './sync-helpers.ts';

const ORG = 'rt-org';

const CONFIG = `
repositoryType: public
resources:
  - kind: repository
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .name
          title: .name
          blueprint: '"repo"'
          properties:
            visibility: .visibility
  - kind: issue
    selector:
      query: 'true'
      state: all
    port:
      entity:
        mappings:
          identifier: .__repository + "-issue-" + (.number | tostring)
          title: .title
          blueprint: '"ticket"'
  - kind: pull-request
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-pr-" + (.number | tostring)
          title: .title
          blueprint: '"change"'
  - kind: workflow-run
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-run-" + (.id | tostring)
          title: .name
          blueprint: '"run"'
  - kind: collaborator
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + .login
          title: .login
          blueprint: '"collaborator"'
`;

const BLUEPRINTS = ['repo', 'ticket', 'change', 'run', 'collaborator'];

let github: FakeGithub;
let catalog: TestCatalog;

/** A repository with a collaborator and a GitOps file (`port.yml`) of its own. */
function repository(id: number, name: string, visibility: 'public' | 'private'): FakeRepository {
  return github.addRepository({
    id,
    name,
    owner: ORG,
    private: visibility === 'private',
    files: { 'port.yml': `identifier: ${name}-gitops\nblueprint: repo\n` },
  });
}

const COLLABORATOR = { login: 'hacktocat', id: 39_652_351 };

function restCollaborator(): Record<string, unknown> {
  const user = recordedPayload('member', 'added').member as Record<string, unknown>;
  return { ...user, ...COLLABORATOR, role_name: 'write', permissions: { pull: true, push: true, admin: false } };
}

const withRepository = (payload: Record<string, unknown>, repo: FakeRepository) => ({
  ...payload,
  repository: repositoryObject(repo),
  installation: { id: INSTALLATION },
});

/** Every event about `repo` and what is in it that the configuration maps, as recorded deliveries. */
function deliveries(repo: FakeRepository): Array<[string, Record<string, unknown>]> {
  const run = workflowRunPayload('completed', { id: 500 + repo.id, name: 'CI' });
  const runRepository = { ...(run.workflow_run.repository as object), name: repo.name };
  const member = recordedPayload('member', 'added');
  return [
    ['repository', { ...withRepository(recordedPayload('repository', 'edited'), repo), action: 'edited' }],
    ['issues', withRepository(recordedPayload('issues', 'opened'), repo)],
    ['pull_request', withRepository(recordedPayload('pull_request', 'opened'), repo)],
    [
      'workflow_run',
      withRepository({ ...run, workflow_run: { ...run.workflow_run, repository: runRepository } }, repo),
    ],
    ['member', withRepository({ ...member, member: { ...(member.member as object), ...COLLABORATOR } }, repo)],
    ['push', pushEvent(repo, `${repo.id}`.padStart(40, 'a'), { modified: ['port.yml'] })],
  ];
}

/** What `name` produced: the identifiers of each blueprint that start with it. */
async function producedBy(name: string): Promise<string[]> {
  const all = await Promise.all(BLUEPRINTS.map((blueprint) => identifiers(catalog, blueprint)));
  return all.flat().filter((identifier) => identifier === name || identifier.startsWith(`${name}-`));
}

async function deliverAll(events: Array<[string, Record<string, unknown>]>): Promise<void> {
  for (const [event, payload] of events) {
    expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
    await settled(catalog);
  }
}

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  github.addRepository({ id: 91_000, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  github.route('GET', '/repos/{owner}/{repo}/collaborators', () => ({ status: 200, body: [restCollaborator()] }));
  // The resync's workflow runs: none.
  github.route('GET', '/repos/{owner}/{repo}/actions/runs', () => ({
    status: 200,
    body: { total_count: 0, workflow_runs: [] },
  }));
  github.route('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', () => ({
    status: 200,
    body: { permission: 'write', role_name: 'write', user: restCollaborator() },
  }));
  catalog = await startSyncCatalog(github);
  await stringBlueprint(catalog, 'repo', ['visibility']);
  for (const blueprint of BLUEPRINTS.slice(1)) await stringBlueprint(catalog, blueprint, []);
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

test('events about a private repository under repositoryType public write nothing; the same about a public one do', async () => {
  const secret = repository(91_001, 'secret', 'private');
  const shared = repository(91_002, 'shared', 'public');
  github.reset();

  await deliverAll(deliveries(secret));
  expect(await producedBy('secret')).toEqual([]);
  // Nothing of it is read either: the collaborator's permission is the one read its event would need.
  expect(github.requests.filter((request) => request.path.includes('/collaborators/'))).toEqual([]);

  await deliverAll(deliveries(shared));
  expect((await producedBy('shared')).sort()).toEqual([
    'shared',
    'shared-gitops',
    'shared-hacktocat',
    'shared-issue-1',
    'shared-pr-2',
    `shared-run-${500 + shared.id}`,
  ]);
  expect((await entity(catalog, 'repo', 'shared'))!.properties.visibility).toBe('public');
});

test('repositories added to the installation: only those repositoryType takes are mapped', async () => {
  const added = [repository(91_003, 'late-secret', 'private'), repository(91_004, 'late-shared', 'public')];
  const recorded = recordedPayload('installation_repositories', 'added');
  await deliverAll([
    [
      'installation_repositories',
      {
        ...recorded,
        installation: { ...(recorded.installation as object), id: INSTALLATION, account: { login: ORG } },
        repositories_added: added.map((repo) => ({
          id: repo.id,
          node_id: `R_${repo.id}`,
          name: repo.name,
          full_name: `${ORG}/${repo.name}`,
          private: repo.private === true,
        })),
        repositories_removed: [],
      },
    ],
  ]);
  expect(await entity(catalog, 'repo', 'late-secret')).toBeUndefined();
  expect(await entity(catalog, 'repo', 'late-shared')).toBeDefined();
});

test('made private, a repository loses all it produced as a deleted one does; made public again, it is synced whole', async () => {
  const shared = github.repository(ORG, 'shared');
  expect(await producedBy('shared')).toHaveLength(6);

  shared.private = true;
  await deliverAll([['repository', { ...withRepository(recordedPayload('repository', 'privatized'), shared) }]]);
  expect(await producedBy('shared')).toEqual([]);

  shared.private = false;
  await deliverAll([['repository', { ...withRepository(recordedPayload('repository', 'publicized'), shared) }]]);
  // The repository at once; its collaborators and GitOps files by the resync the event started (no event brings
  // them), which also leaves the private repositories out.
  expect((await entity(catalog, 'repo', 'shared'))!.properties.visibility).toBe('public');
  expect(await entity(catalog, 'collaborator', 'shared-hacktocat')).toBeDefined();
  expect(await entity(catalog, 'repo', 'shared-gitops')).toBeDefined();
  expect(await producedBy('secret')).toEqual([]);
  expect(await producedBy('late-secret')).toEqual([]);
});

test('a private repository made public under repositoryType public enters it with what it holds', async () => {
  const secret = github.repository(ORG, 'secret');
  secret.private = false;
  await deliverAll([['repository', withRepository(recordedPayload('repository', 'publicized'), secret)]]);
  expect(await entity(catalog, 'repo', 'secret')).toMatchObject({ properties: { visibility: 'public' } });
  expect(await entity(catalog, 'collaborator', 'secret-hacktocat')).toBeDefined();
});
