/**
 * `repoSearch` end to end, on the fake GitHub (its search and `nodes(ids:)` checked against GitHub's schema) and the
 * embedded catalog: a resync reads the repositories GitHub's search finds (once a resync, whatever the number of
 * resources and pages), repository resources map those alone, other kinds read only them, and account-wide lists
 * keep only theirs; live events take a repository by its own fields when they decide the query, with one search
 * (kept a minute) when they do not.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import {
  emptyGitObjects,
  type FakeGitObjects,
  fakePullRequest,
  gitObjectsGraphql,
} from '../../helpers/fake-git-objects.ts';
import { type FakeSecurity, fakeSecurity } from '../../helpers/fake-security.ts';
import { deliverWebhook, releaseGithub } from '../../helpers/github-app.ts';
import {
  identifiers,
  recordedPayload,
  repositoryObject,
  resyncOwner,
  settled,
  startSyncCatalog,
  stringBlueprint,
} from './sync-helpers.ts';

const ORG = 'searchco';
const INSTALLATION = 6161;
const PAYMENTS = 'topic:payments archived:false';

/** The port block of the pull-request resources: an entity per pull request, named by repository and number. */
const PULL_PORT = `    port:
      entity:
        mappings:
          identifier: .head.repo.name + "-" + (.number | tostring)
          title: .title
          blueprint: '"pull"'`;

const CONFIG = `resources:
  - kind: repository
    selector:
      query: 'true'
      repoSearch:
        query: '${PAYMENTS}'
    port:
      entity:
        mappings: { identifier: .name, title: .name, blueprint: '"paymentsRepo"' }
  - kind: repository
    port:
      entity:
        mappings: { identifier: .name, title: .name, blueprint: '"anyRepo"' }
  - kind: repository
    selector:
      repoSearch: { query: 'api in:name' }
    port:
      entity:
        mappings: { identifier: .name, title: .name, blueprint: '"apiRepo"' }
  - kind: pull-request
    selector:
      repoSearch: { query: '${PAYMENTS}' }
${PULL_PORT}
  - kind: dependabot-alert
    selector:
      repoSearch: { query: '${PAYMENTS}' }
    port:
      entity:
        mappings:
          identifier: .repository.name + "-" + (.number | tostring)
          blueprint: '"alert"'
`;

let github: FakeGithub;
let catalog: TestCatalog;
let security: FakeSecurity;
const repositories: Record<string, FakeRepository> = {};
const pulls: Record<string, FakeGitObjects> = {};

function repository(id: number, name: string, fields: Partial<FakeRepository> = {}): FakeRepository {
  const objects = emptyGitObjects();
  const added = github.addRepository({
    id,
    name,
    owner: ORG,
    files: { 'README.md': `# ${name}\n` },
    graphql: gitObjectsGraphql(objects),
    ...fields,
  });
  objects.pullRequests.push(fakePullRequest(added, 1), fakePullRequest(added, 2));
  repositories[name] = added;
  pulls[name] = objects;
  return added;
}

const searches = () => github.requests.filter((request) => request.operation === 'WharfRepositorySearch');

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  github.addRepository({ id: 61_001, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  repository(61_002, 'payments-api', { topics: ['payments'], language: 'Go' });
  repository(61_003, 'payments-web', { topics: ['payments'], archived: true });
  repository(61_004, 'ledger');
  repository(61_005, 'payments-fork', { topics: ['payments'], fork: true });
  security = fakeSecurity(github);
  security.dependabotAlert(repositories['payments-api']!, 1, 'open');
  security.dependabotAlert(repositories.ledger!, 1, 'open');
  catalog = await startSyncCatalog(github);
  for (const blueprint of ['paymentsRepo', 'anyRepo', 'apiRepo', 'pull', 'alert']) {
    await stringBlueprint(catalog, blueprint, []);
  }
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

describe('a resync', () => {
  test('maps and reads only what the search finds, each query searched once', async () => {
    github.reset();
    const first = await resyncOwner(catalog, ORG);
    expect(first).toMatchObject({ state: 'completed', errors: 0 });
    expect(await identifiers(catalog, 'paymentsRepo')).toEqual(['payments-api']);
    expect(await identifiers(catalog, 'anyRepo')).toEqual([
      '.github',
      'ledger',
      'payments-api',
      'payments-fork',
      'payments-web',
    ]);
    expect(await identifiers(catalog, 'apiRepo')).toEqual(['payments-api']);
    expect(await identifiers(catalog, 'pull')).toEqual(['payments-api-1', 'payments-api-2']);
    // The organization's alert list names ledger's alert too: it is left out.
    expect(await identifiers(catalog, 'alert')).toEqual(['payments-api-1']);

    expect(searches().map((request) => request.variables?.search)).toEqual([
      `org:${ORG} ${PAYMENTS}`,
      `org:${ORG} api in:name`,
    ]);
    // Pull requests were read for the repository found, by its node id, and for no other.
    const read = github.requests.filter((request) => request.operation === 'WharfSearchedRepositories');
    expect(read.map((request) => request.variables?.ids)).toEqual([['R_61002']]);
  });

  test('a repository the search stops finding loses what those resources produced; one it finds gains it', async () => {
    repositories['payments-api']!.topics = [];
    repositories.ledger!.topics = ['payments'];
    expect(await resyncOwner(catalog, ORG)).toMatchObject({ state: 'completed', errors: 0 });
    expect(await identifiers(catalog, 'paymentsRepo')).toEqual(['ledger']);
    expect(await identifiers(catalog, 'pull')).toEqual(['ledger-1', 'ledger-2']);
    expect(await identifiers(catalog, 'alert')).toEqual(['ledger-1']);
    expect(await identifiers(catalog, 'anyRepo')).toHaveLength(5);
    repositories['payments-api']!.topics = ['payments'];
    repositories.ledger!.topics = [];
    expect(await resyncOwner(catalog, ORG)).toMatchObject({ state: 'completed', errors: 0 });
    expect(await identifiers(catalog, 'paymentsRepo')).toEqual(['payments-api']);
  });
});

async function deliver(event: string, payload: Record<string, unknown>): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

function repositoryEvent(action: string, repository: FakeRepository): Record<string, unknown> {
  return {
    ...recordedPayload('repository', 'edited'),
    action,
    repository: { ...repositoryObject(repository), fork: repository.fork ?? false },
    organization: { login: ORG },
    installation: { id: INSTALLATION },
  };
}

describe('live events', () => {
  test("a repository's own fields decide a query of qualifiers: no search is sent", async () => {
    const ledger = repositories.ledger!;
    ledger.topics = ['payments'];
    github.reset();
    await deliver('repository', repositoryEvent('edited', ledger));
    expect(await identifiers(catalog, 'paymentsRepo')).toEqual(['ledger', 'payments-api']);
    ledger.topics = [];
    await deliver('repository', repositoryEvent('edited', ledger));
    expect(await identifiers(catalog, 'paymentsRepo')).toEqual(['payments-api']);
    // `api in:name` is free text: GitHub's search says whether it takes ledger (it does not), once.
    expect(searches().map((request) => request.variables?.search)).toEqual([`repo:${ORG}/ledger api in:name`]);
    expect(await identifiers(catalog, 'anyRepo')).toContain('ledger');
  });

  test('events of other kinds are taken by their repository too', async () => {
    const pullRequest = (name: string, number: number) => {
      const recorded = recordedPayload('pull_request', 'opened');
      const pull = recorded.pull_request as Record<string, unknown>;
      return {
        ...recorded,
        number,
        pull_request: {
          ...pull,
          number,
          head: { ...(pull.head as object), repo: { ...(pull.head as { repo: object }).repo, name } },
        },
        repository: { ...repositoryObject(repositories[name]!), fork: false },
        organization: { login: ORG },
        installation: { id: INSTALLATION },
      };
    };
    github.reset();
    await deliver('pull_request', pullRequest('payments-api', 7));
    await deliver('pull_request', pullRequest('ledger', 7));
    expect(await identifiers(catalog, 'pull')).toEqual(['payments-api-1', 'payments-api-2', 'payments-api-7']);
    expect(searches()).toEqual([]);
  });

  test("a free-text query asks GitHub's search about the one repository, and keeps its answer a minute", async () => {
    const web = repositories['payments-web']!;
    github.reset();
    await deliver('repository', repositoryEvent('edited', web));
    await deliver('repository', repositoryEvent('edited', web));
    expect(searches().map((request) => request.variables?.search)).toEqual([`repo:${ORG}/payments-web api in:name`]);
    expect(await identifiers(catalog, 'apiRepo')).toEqual(['payments-api']);
  });
});

describe('a search that finds more repositories than a page holds', () => {
  const MANY = 'manyco';

  test('its results and its repositories are read a page of 100 at a time; the organization is not searched for', async () => {
    github.addInstallation(MANY, 6262);
    github.addRepository({
      id: 62_000,
      name: '.github',
      owner: MANY,
      files: {
        '.github/port-app-config.yml': `resources:
  - kind: organization
    selector: { repoSearch: { query: 'topic:none' } }
    port:
      entity:
        mappings: { identifier: .login, title: .login, blueprint: '"anyRepo"' }
  - kind: pull-request
    selector: { repoSearch: { query: 'topic:many' } }
${PULL_PORT}
`,
      },
    });
    for (let index = 1; index <= 130; index++) {
      const objects = emptyGitObjects();
      const added = github.addRepository({
        id: 62_000 + index,
        name: `many-${String(index).padStart(3, '0')}`,
        owner: MANY,
        topics: index <= 120 ? ['many'] : [],
        graphql: gitObjectsGraphql(objects),
      });
      objects.pullRequests.push(fakePullRequest(added, 1));
    }
    github.route('GET', '/orgs/{org}', () => ({
      status: 200,
      body: { login: MANY, id: 62, node_id: 'O_62', url: `https://api.github.com/orgs/${MANY}` },
    }));
    github.reset();
    expect(await resyncOwner(catalog, MANY)).toMatchObject({ state: 'completed', errors: 0 });
    const pulls = (await identifiers(catalog, 'pull')).filter((identifier) => identifier.startsWith('many-'));
    expect(pulls).toHaveLength(120);
    expect(pulls).not.toContain('many-121-1');
    expect(await identifiers(catalog, 'anyRepo')).toContain(MANY);
    const pages = github.requests.filter((request) => request.operation === 'WharfSearchedRepositories');
    expect(pages.map((request) => (request.variables?.ids as string[]).length)).toEqual([100, 20]);
    // The search itself, 100 results a page: the second page after the first's cursor.
    expect(searches().map((request) => [request.variables?.search, request.variables?.after === null])).toEqual([
      [`org:${MANY} topic:many`, true],
      [`org:${MANY} topic:many`, false],
    ]);
  });
});
