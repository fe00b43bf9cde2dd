/**
 * Pull requests, issues, releases, tags and branches: the vendor's example mappings applied in a resync through the
 * fake GitHub (GraphQL checked against GitHub's schema) into the real catalog, their selector options, live events
 * with recorded payloads, relations to the repository and stale deletion.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../../helpers/fake-github.ts';
import {
  emptyGitObjects,
  fakeBranch,
  fakeIssue,
  fakePullRequest,
  fakeRelease,
  fakeTag,
  type FakeGitObjects,
  gitObjectsGraphql,
} from '../../../helpers/fake-git-objects.ts';
import { deliverWebhook, releaseGithub } from '../../../helpers/github-app.ts';
import {
  entity,
  identifiers,
  INSTALLATION,
  recordedPayload,
  repositoryObject,
  resyncOwner,
  settled,
  startSyncCatalog,
} from '../sync-helpers.ts';

const ORG = 'git-org';

/** The vendor's example mappings (the pull request one is the integration's default). */
const CONFIG = `
createMissingRelatedEntities: true
deleteDependentEntities: true
resources:
  - kind: pull-request
    selector:
      query: 'true'
      states: [open, closed]
      maxResults: 2
      since: 30
    port:
      entity:
        mappings:
          identifier: ".head.repo.name + (.id|tostring)"
          title: ".title"
          blueprint: '"githubPullRequest"'
          properties:
            creator: ".user.login"
            assignees: "[.assignees[].login]"
            reviewers: "[.requested_reviewers[].login]"
            status: ".state"
            closedAt: ".closed_at"
            updatedAt: ".updated_at"
            mergedAt: ".merged_at"
            createdAt: ".created_at"
            prNumber: ".id"
            link: ".html_url"
          relations:
            repository: .__repository
  - kind: issue
    selector:
      query: .pull_request == null
      state: open
    port:
      entity:
        mappings:
          identifier: .__repository + (.id|tostring)
          title: .title
          blueprint: '"githubIssue"'
          properties:
            creator: .user.login
            assignees: "[.assignees[].login]"
            labels: "[.labels[].name]"
            status: .state
            createdAt: .created_at
            closedAt: .closed_at
            updatedAt: .updated_at
            description: .body
            issueNumber: .number
            link: .html_url
          relations:
            repository: .__repository
  - kind: release
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + .tag_name
          title: .__repository + "-" + .tag_name
          blueprint: '"githubRelease"'
          properties:
            release_creation_time: .created_at
            tag: .tag_name
            description: .body
          relations:
            repository: .__repository
  - kind: tag
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + .name
          title: .__repository + "-" + .name
          blueprint: '"githubTag"'
          properties:
            commit_sha: .commit.sha
          relations:
            repository: .__repository
  - kind: branch
    selector:
      query: 'true'
      detailed: true
      protectionRules: true
    port:
      entity:
        mappings:
          identifier: .__repository + "_" + .name
          title: .__repository + " " + .name
          blueprint: '"githubBranch"'
          properties:
            is_protected: .protected
            url: ._links.html
            lastCommitAuthor: .commit.commit.author.name
            requiredApprovingReviewCount: .__protection_rules.required_pull_request_reviews.required_approving_review_count
            requireLinearHistory: .__protection_rules.required_linear_history.enabled
          relations:
            repository: .__repository
`;

let github: FakeGithub;
let catalog: TestCatalog;
let alpha: FakeRepository;
const objects: FakeGitObjects = emptyGitObjects();

const resync = () => resyncOwner(catalog, ORG);

async function deliver(event: string, payload: Record<string, unknown>): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

/** A recorded payload about `alpha`, with the installation the recordings lack. */
function payload(
  event: string,
  action: string | undefined,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...recordedPayload(event, action),
    ...changes,
    repository: repositoryObject(alpha),
    organization: { login: ORG },
    installation: { id: INSTALLATION },
  };
}

const ids = (blueprint: string) => identifiers(catalog, blueprint);

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  github.addRepository({ id: 1, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  const ref = { owner: ORG, name: 'alpha', id: 2 };
  // 60 open pull requests: more than one follow-up's 50; closed ones: 3 within `since`, one older.
  for (let number = 1; number <= 60; number++) objects.pullRequests.push(fakePullRequest(ref, number));
  objects.pullRequests.push(
    fakePullRequest(ref, 61, { state: 'MERGED', updatedDaysAgo: 1 }),
    fakePullRequest(ref, 62, { state: 'CLOSED', updatedDaysAgo: 2 }),
    fakePullRequest(ref, 63, { state: 'CLOSED', updatedDaysAgo: 3 }),
    fakePullRequest(ref, 64, { state: 'CLOSED', updatedDaysAgo: 45 }),
  );
  objects.issues.push(fakeIssue(ref, 101), fakeIssue(ref, 102), fakeIssue(ref, 103, { state: 'CLOSED' }));
  objects.releases.push(fakeRelease(ref, 9001, 'v1.0.0'), fakeRelease(ref, 9002, 'v1.1.0'));
  objects.refs.set('refs/tags/v1.0.0', fakeTag('v1.0.0', 'c1'));
  objects.refs.set('refs/tags/v1.1.0', fakeTag('v1.1.0', 'c2', true));
  objects.refs.set('refs/heads/main', fakeBranch(ref, 'main', 'c2', { approvals: 2, checks: ['ci'] }));
  objects.refs.set('refs/heads/feature', fakeBranch(ref, 'feature', 'c3'));
  alpha = github.addRepository({ id: 2, name: 'alpha', owner: ORG, files: {}, graphql: gitObjectsGraphql(objects) });
  github.addRepository({ id: 3, name: 'beta', owner: ORG, files: {} });

  catalog = await startSyncCatalog(github);
  const blueprint = async (identifier: string, properties: Record<string, string>) => {
    const response = await catalog.api('POST', '/v1/blueprints', {
      identifier,
      title: identifier,
      schema: {
        properties: Object.fromEntries(Object.entries(properties).map(([name, type]) => [name, { type }])),
      },
      relations: { repository: { title: 'Repository', target: 'githubRepository', many: false, required: false } },
    });
    expect(response.body).toMatchObject({ ok: true });
  };
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'githubRepository',
    title: 'Repository',
    schema: { properties: {} },
  });
  await blueprint('githubPullRequest', {
    creator: 'string',
    assignees: 'array',
    reviewers: 'array',
    status: 'string',
    closedAt: 'string',
    updatedAt: 'string',
    mergedAt: 'string',
    createdAt: 'string',
    prNumber: 'number',
    link: 'string',
  });
  await blueprint('githubIssue', {
    creator: 'string',
    assignees: 'array',
    labels: 'array',
    status: 'string',
    createdAt: 'string',
    closedAt: 'string',
    updatedAt: 'string',
    description: 'string',
    issueNumber: 'number',
    link: 'string',
  });
  await blueprint('githubRelease', { release_creation_time: 'string', tag: 'string', description: 'string' });
  await blueprint('githubTag', { commit_sha: 'string' });
  await blueprint('githubBranch', {
    is_protected: 'boolean',
    url: 'string',
    lastCommitAuthor: 'string',
    requiredApprovingReviewCount: 'number',
    requireLinearHistory: 'boolean',
  });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

test('a resync maps every kind with the vendor example mappings, in a few GraphQL requests', async () => {
  github.reset();
  const record = await resync();
  expect(record).toMatchObject({ state: 'completed', errors: 0 });

  const pulls = await ids('githubPullRequest');
  // 60 open, the 2 (maxResults) most recently updated closed ones; not the one older than `since`.
  expect(pulls).toHaveLength(62);
  expect(pulls).toContain('alpha2061');
  expect(pulls).not.toContain('alpha2063');
  expect(pulls).not.toContain('alpha2064');
  expect(await entity(catalog, 'githubPullRequest', 'alpha2001')).toMatchObject({
    title: 'Change 1',
    properties: {
      creator: 'octocat',
      assignees: ['monalisa'],
      reviewers: ['hubot'],
      status: 'open',
      prNumber: 2001,
      link: 'https://github.com/git-org/alpha/pull/1',
    },
    relations: { repository: 'alpha' },
  });
  expect((await entity(catalog, 'githubPullRequest', 'alpha2061'))!.properties).toMatchObject({ status: 'closed' });
  // The relation's target did not exist: createMissingRelatedEntities made it.
  expect(await entity(catalog, 'githubRepository', 'alpha')).toBeDefined();

  // state: open
  expect(await ids('githubIssue')).toEqual(['alpha2101', 'alpha2102']);
  expect(await entity(catalog, 'githubIssue', 'alpha2101')).toMatchObject({
    properties: { creator: 'octocat', labels: ['enhancement'], status: 'open', issueNumber: 101 },
    relations: { repository: 'alpha' },
  });
  expect(await ids('githubRelease')).toEqual(['alpha-v1.0.0', 'alpha-v1.1.0']);
  expect((await entity(catalog, 'githubRelease', 'alpha-v1.0.0'))!.properties).toMatchObject({
    tag: 'v1.0.0',
    description: 'Notes of v1.0.0',
  });
  // An annotated tag gives the commit it points at, as REST does.
  expect((await entity(catalog, 'githubTag', 'alpha-v1.1.0'))!.properties.commit_sha).toMatch(/^c2/);
  expect(await entity(catalog, 'githubBranch', 'alpha_main')).toMatchObject({
    properties: {
      is_protected: true,
      url: 'https://github.com/git-org/alpha/tree/main',
      lastCommitAuthor: 'Mona',
      requiredApprovingReviewCount: 2,
      requireLinearHistory: true,
    },
    relations: { repository: 'alpha' },
  });
  expect((await entity(catalog, 'githubBranch', 'alpha_feature'))!.properties).toMatchObject({ is_protected: false });

  // Pull requests, issues (and branches under protectionRules) are counted with the repositories, then read where
  // there are some: 60 open pull requests take two follow-ups (50 at most per repository in one), the closed ones
  // ride along the first; issues and branches one each.
  const operations = github.requests.filter((request) => request.path === '/graphql').map((r) => r.operation);
  expect(operations.filter((operation) => operation === 'WharfKindFollowUp')).toHaveLength(4);
  // One page of repositories per kind.
  expect(operations.filter((operation) => operation === 'WharfKindRepositories')).toHaveLength(5);
  // No REST read per object (a detailed branch and its protection come with the GraphQL page).
  expect(github.requests.filter((request) => request.path.startsWith('/repos/git-org/alpha'))).toEqual([]);
});

test('stale deletion: objects gone from GitHub lose their entities after the next resync', async () => {
  objects.pullRequests.splice(0, 2);
  objects.refs.delete('refs/tags/v1.0.0');
  objects.refs.delete('refs/heads/feature');
  objects.releases.pop();
  objects.issues.splice(0, 1);
  const record = await resync();
  expect(record).toMatchObject({ state: 'completed', errors: 0 });
  expect(await entity(catalog, 'githubPullRequest', 'alpha2001')).toBeUndefined();
  expect(await ids('githubPullRequest')).toHaveLength(60);
  expect(await ids('githubTag')).toEqual(['alpha-v1.1.0']);
  expect(await ids('githubBranch')).toEqual(['alpha_main']);
  expect(await ids('githubRelease')).toEqual(['alpha-v1.0.0']);
  expect(await ids('githubIssue')).toEqual(['alpha2102']);
});

test('issues events: opened and edited write the issue, closed (under state: open), deleted and transferred remove it', async () => {
  const opened = payload('issues', 'opened');
  const issue = opened.issue as Record<string, unknown>;
  await deliver('issues', opened);
  const identifier = `alpha${String(issue.id)}`;
  expect(await entity(catalog, 'githubIssue', identifier)).toMatchObject({
    title: issue.title,
    properties: { status: 'open', issueNumber: issue.number },
    relations: { repository: 'alpha' },
  });
  await deliver('issues', payload('issues', 'edited', { issue: { ...issue, title: 'Renamed' } }));
  expect((await entity(catalog, 'githubIssue', identifier))!.title).toBe('Renamed');
  await deliver('issues', payload('issues', 'reopened', { action: 'closed', issue: { ...issue, state: 'closed' } }));
  expect(await entity(catalog, 'githubIssue', identifier)).toBeUndefined();

  await deliver('issues', opened);
  await deliver('issues', payload('issues', 'deleted', { issue }));
  expect(await entity(catalog, 'githubIssue', identifier)).toBeUndefined();
  await deliver('issues', opened);
  await deliver('issues', payload('issues', 'transferred', { issue }));
  expect(await entity(catalog, 'githubIssue', identifier)).toBeUndefined();
});

test('release events: published writes the release, deleted removes it', async () => {
  const published = payload('release', 'published');
  const tag = (published.release as { tag_name: string }).tag_name;
  await deliver('release', published);
  expect(await entity(catalog, 'githubRelease', `alpha-${tag}`)).toMatchObject({
    properties: { tag },
    relations: { repository: 'alpha' },
  });
  await deliver('release', payload('release', 'deleted', { release: published.release }));
  expect(await entity(catalog, 'githubRelease', `alpha-${tag}`)).toBeUndefined();
});

test('create and delete events: a tag or branch created is read and written, deleted removes it', async () => {
  objects.refs.set('refs/tags/simple-tag', fakeTag('simple-tag', 'c9'));
  await deliver('create', payload('create', undefined));
  expect((await entity(catalog, 'githubTag', 'alpha-simple-tag'))!.properties.commit_sha).toMatch(/^c9/);
  await deliver('delete', payload('delete', undefined));
  expect(await entity(catalog, 'githubTag', 'alpha-simple-tag')).toBeUndefined();

  objects.refs.set(
    'refs/heads/release',
    fakeBranch({ owner: ORG, name: 'alpha' }, 'release', 'c8', { approvals: 1, checks: [] }),
  );
  await deliver('create', payload('create', undefined, { ref: 'release', ref_type: 'branch' }));
  expect(await entity(catalog, 'githubBranch', 'alpha_release')).toMatchObject({
    properties: { is_protected: true, lastCommitAuthor: 'Mona', requiredApprovingReviewCount: 1 },
    relations: { repository: 'alpha' },
  });
  await deliver('delete', payload('delete', undefined, { ref: 'release', ref_type: 'branch' }));
  expect(await entity(catalog, 'githubBranch', 'alpha_release')).toBeUndefined();
});

test('pull_request events carry __repository: the relation of the vendor mapping holds; closed ones past since go', async () => {
  const opened = payload('pull_request', 'opened');
  const pull = opened.pull_request as { id: number; head: { repo: { name: string } } };
  const identifier = `${pull.head.repo.name}${pull.id}`;
  await deliver('pull_request', opened);
  expect(await entity(catalog, 'githubPullRequest', identifier)).toMatchObject({
    properties: { status: 'open' },
    relations: { repository: 'alpha' },
  });
  // Closed long ago (the recording is from 2019): older than `since`, so not read.
  await deliver('pull_request', payload('pull_request', 'closed'));
  expect(await entity(catalog, 'githubPullRequest', identifier)).toBeUndefined();
});
