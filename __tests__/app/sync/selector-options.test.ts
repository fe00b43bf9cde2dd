/**
 * Selector options of the vendor's integration that migrated configurations use: an issue's `labels`, a branch's
 * `defaultBranchOnly` and `branchNames` (with `detailed` and `protectionRules`) and Dependabot's `ecosystems`. Each
 * is parsed as the vendor's model takes it, read in a resync through the fake GitHub (GraphQL checked against
 * GitHub's schema, REST on GitHub's routes) into the real catalog, and applied to live deliveries.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ConfigError, parsePortAppConfig } from '../../../app/sync/mapping/index.ts';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, GithubError, startFakeGithub } from '../../helpers/fake-github.ts';
import {
  emptyGitObjects,
  fakeBranch,
  fakeIssue,
  fakePullRequest,
  type FakeGitObjects,
  gitObjectsGraphql,
} from '../../helpers/fake-git-objects.ts';
import { type FakeSecurity, fakeSecurity } from '../../helpers/fake-security.ts';
import { releaseGithub } from '../../helpers/github-app.ts';
import {
  deliverSettled,
  entity,
  identifiers,
  recordedEvent,
  resyncOwner,
  startSyncCatalog,
  stringBlueprint,
} from './sync-helpers.ts';

const SOURCE = 'org/.github:port-app-config.yml';
const PORT = `    port: {entity: {mappings: {identifier: '.id | tostring', blueprint: '"thing"'}}}`;
const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

async function selectorOf(kind: string, selector: string): Promise<Record<string, unknown>> {
  const config = await parsePortAppConfig(
    yaml('resources:', `  - kind: ${kind}`, `    selector: ${selector}`, PORT),
    SOURCE,
  );
  return config.resources[0]!.selector as Record<string, unknown>;
}

async function problemsOf(kind: string, selector: string): Promise<string[]> {
  try {
    await selectorOf(kind, selector);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the options parse as the vendor takes them', () => {
  test('issue labels: a list, or a comma-separated string as GitHub takes it; none set filters nothing', async () => {
    expect(await selectorOf('issue', '{query: "true", labels: [bug, "good first issue"]}')).toEqual({
      query: 'true',
      state: 'open',
      labels: ['bug', 'good first issue'],
    });
    expect((await selectorOf('issue', '{query: "true", labels: "bug, ui"}')).labels).toEqual(['bug', 'ui']);
    expect((await selectorOf('issue', '{query: "true", labels: []}')).labels).toEqual([]);
    expect(await selectorOf('issue', '{query: "true"}')).not.toHaveProperty('labels');
    expect(await problemsOf('issue', '{query: "true", labels: [1]}')).toEqual([
      `${SOURCE} line 3, column 40: resources[0].selector.labels[0]: expected a string, got 1`,
    ]);
  });

  test('branch: defaultBranchOnly, branchNames (one name alone is a list of one), with detailed and protectionRules', async () => {
    expect(
      await selectorOf('branch', '{query: "true", defaultBranchOnly: true, detailed: true, protectionRules: true}'),
    ).toEqual({ query: 'true', defaultBranchOnly: true, detailed: true, protectionRules: true });
    expect((await selectorOf('branch', '{query: "true", branchNames: [main, develop]}')).branchNames).toEqual([
      'main',
      'develop',
    ]);
    expect((await selectorOf('branch', '{query: "true", branchNames: main}')).branchNames).toEqual(['main']);
    expect(await problemsOf('branch', '{query: "true", defaultBranchOnly: yes}')).toEqual([
      `${SOURCE} line 3, column 50: resources[0].selector.defaultBranchOnly: expected true or false, got "yes"`,
    ]);
  });

  test("dependabot ecosystems: the vendor's nine, refused otherwise", async () => {
    expect((await selectorOf('dependabot-alert', '{query: "true", ecosystems: [npm, pip]}')).ecosystems).toEqual([
      'npm',
      'pip',
    ]);
    expect((await selectorOf('dependabot-alert', '{query: "true", ecosystems: npm}')).ecosystems).toEqual(['npm']);
    const [problem] = await problemsOf('dependabot-alert', '{query: "true", ecosystems: [cargo]}');
    expect(problem).toContain('resources[0].selector.ecosystems[0]: expected "composer" or "go" or "maven"');
  });

  test('pull-request api: rest or graphql', async () => {
    expect((await selectorOf('pull-request', '{query: "true", api: graphql}')).api).toBe('graphql');
    expect((await selectorOf('pull-request', '{query: "true", api: rest}')).api).toBe('rest');
    const [problem] = await problemsOf('pull-request', '{query: "true", api: soap}');
    expect(problem).toContain('resources[0].selector.api: expected "rest" or "graphql", got "soap"');
  });
});

const ORG = 'opt-org';
const INSTALLATION = 9100;

const CONFIG = `
resources:
  - kind: issue
    selector:
      query: 'true'
      labels: [bug, Urgent]
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .title
          blueprint: '"labeledIssue"'
          properties:
            labels: '[.labels[].name] | join(",")'
  - kind: branch
    selector:
      query: 'true'
      defaultBranchOnly: true
      branchNames: [develop]
      protectionRules: true
    port:
      entity:
        mappings:
          identifier: .__repository + "_" + .name
          title: .name
          blueprint: '"defaultBranch"'
          properties:
            protected: .protected | tostring
            approvals: (.__protection_rules.required_pull_request_reviews.required_approving_review_count // "none") | tostring
  - kind: branch
    selector:
      query: 'true'
      branchNames: [develop, release, missing]
      detailed: true
    port:
      entity:
        mappings:
          identifier: .__repository + "_" + .name
          title: .name
          blueprint: '"namedBranch"'
          properties:
            author: .commit.commit.author.name
            url: ._links.html
  - kind: pull-request
    selector:
      query: 'true'
      api: graphql
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .title
          blueprint: '"graphqlPull"'
          properties:
            author: .author.login
            head: .headRefName
            state: .state
            mergeable: .mergeable | tostring
            mergeState: .mergeable_state
            counts: '[.commits, .comments, .review_comments, .additions] | map(tostring) | join(",")'
            labels: '[.labels[].name] | join(",")'
            reviewers: '[.requested_reviewers[] | .login // .slug] | join(",")'
            decision: .reviewDecision
            restUser: .user.login
  - kind: pull-request
    selector:
      query: 'true'
      api: rest
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .title
          blueprint: '"restPull"'
          properties:
            author: .user.login
            head: .head.ref
            graphqlAuthor: .author.login
  - kind: dependabot-alert
    selector:
      query: 'true'
      ecosystems: [npm]
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .number | tostring
          blueprint: '"npmAlert"'
          properties:
            ecosystem: .dependency.package.ecosystem
`;

let github: FakeGithub;
let catalog: TestCatalog;
let security: FakeSecurity;
let alpha: FakeRepository;
let beta: FakeRepository;
const alphaObjects: FakeGitObjects = emptyGitObjects();
const betaObjects: FakeGitObjects = emptyGitObjects();
/** The `labels` argument of each issues connection GitHub was asked for. */
let issueLabels: unknown[] = [];

/** A repository whose refs are `objects` and whose default branch is its `main` ref. */
function repositoryGraphql(objects: FakeGitObjects): Record<string, unknown> {
  const base = gitObjectsGraphql(objects);
  const issues = base.issues as (args: Record<string, unknown>) => unknown;
  return {
    ...base,
    issues: (args: Record<string, unknown>) => {
      issueLabels.push(args.labels);
      return issues(args);
    },
    defaultBranchRef: () => objects.refs.get('refs/heads/main') ?? null,
  };
}

const deliver = (event: string, payload: Record<string, unknown>) => deliverSettled(catalog, event, payload);
const payload = (
  event: string,
  action: string | undefined,
  repository: FakeRepository,
  changes: Record<string, unknown> = {},
) => recordedEvent(event, action, repository, INSTALLATION, changes);

const operations = (name: string) => github.requests.filter((request) => request.operation === name);

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  const ref = { owner: ORG, name: 'alpha', id: 9101 };
  alphaObjects.issues.push(
    fakeIssue(ref, 1, { labels: ['bug', 'urgent'] }),
    fakeIssue(ref, 2, { labels: ['bug'] }),
    fakeIssue(ref, 3, { labels: ['enhancement', 'Urgent'] }),
    fakeIssue(ref, 4, { labels: ['BUG', 'Urgent', 'backend'] }),
    fakeIssue(ref, 5, { labels: ['bug', 'urgent'], state: 'CLOSED' }),
  );
  alphaObjects.pullRequests.push(fakePullRequest(ref, 7));
  for (const [name, sha] of [
    ['main', 'a1'],
    ['develop', 'a2'],
    ['release', 'a3'],
    ['feature', 'a4'],
  ] as const) {
    alphaObjects.refs.set(
      `refs/heads/${name}`,
      fakeBranch(ref, name, sha, name === 'main' ? { approvals: 2, checks: ['ci'] } : undefined),
    );
  }
  // beta's protection rule is one GitHub will not show the App (no administration permission).
  const betaRef = { owner: ORG, name: 'beta', id: 9102 };
  const hidden = fakeBranch(betaRef, 'main', 'b1', { approvals: 1, checks: [] });
  betaObjects.refs.set('refs/heads/main', {
    ...hidden,
    branchProtectionRule: () => {
      throw new GithubError('FORBIDDEN', 'Resource not accessible by integration');
    },
  });
  betaObjects.refs.set('refs/heads/feature', fakeBranch(betaRef, 'feature', 'b2'));
  github.addRepository({
    id: 9100,
    name: '.github',
    owner: ORG,
    files: { '.github/port-app-config.yml': CONFIG },
    graphql: repositoryGraphql(emptyGitObjects()),
  });
  alpha = github.addRepository({ ...ref, files: {}, graphql: repositoryGraphql(alphaObjects) });
  beta = github.addRepository({ ...betaRef, files: {}, graphql: repositoryGraphql(betaObjects) });
  security = fakeSecurity(github);
  catalog = await startSyncCatalog(github);
  await stringBlueprint(catalog, 'labeledIssue', ['labels']);
  await stringBlueprint(catalog, 'defaultBranch', ['protected', 'approvals']);
  await stringBlueprint(catalog, 'namedBranch', ['author', 'url']);
  await stringBlueprint(catalog, 'npmAlert', ['ecosystem']);
  await stringBlueprint(catalog, 'graphqlPull', [
    'author',
    'head',
    'state',
    'mergeable',
    'mergeState',
    'counts',
    'labels',
    'reviewers',
    'decision',
    'restUser',
  ]);
  await stringBlueprint(catalog, 'restPull', ['author', 'head', 'graphqlAuthor']);
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});
beforeEach(() => {
  github.reset();
  issueLabels = [];
});

describe('resync', () => {
  test('issue labels: only issues with every label, compared without regard to case; one label narrows the read', async () => {
    security.dependabotAlert(alpha, 1, 'open', 'high', 'npm');
    security.dependabotAlert(alpha, 2, 'open', 'high'); // pip, the example's
    security.dependabotAlert(beta, 3, 'open', 'critical', 'npm');
    security.dependabotAlert(beta, 4, 'fixed', 'high', 'npm'); // state not selected

    expect(await resyncOwner(catalog, ORG)).toMatchObject({ state: 'completed', errors: 0 });

    expect(await identifiers(catalog, 'labeledIssue')).toEqual(['alpha-1', 'alpha-4']);
    expect(await entity(catalog, 'labeledIssue', 'alpha-4')).toMatchObject({
      properties: { labels: 'BUG,Urgent,backend' },
    });
    // GitHub's GraphQL filter takes issues with any of its labels: the first one alone is asked for.
    expect(issueLabels).toContainEqual(['bug']);
    expect(issueLabels.every((labels) => JSON.stringify(labels) === '["bug"]')).toBe(true);
  });

  test('defaultBranchOnly: each default branch read from the page of repositories (branchNames ignored), its rule in one more query', async () => {
    // .github has no commit, so no default branch.
    expect(await identifiers(catalog, 'defaultBranch')).toEqual(['alpha_main', 'beta_main']);
    expect(await entity(catalog, 'defaultBranch', 'alpha_main')).toMatchObject({
      properties: { protected: 'true', approvals: '2' },
    });
    // The rule GitHub would not show is null, as the vendor leaves it; the rest of the answer stands.
    expect(await entity(catalog, 'defaultBranch', 'beta_main')).toMatchObject({
      properties: { protected: 'true', approvals: 'none' },
    });
  });

  test('branchNames: only those names, each a field of its repository (detailed applies), no branch listed', async () => {
    expect(await identifiers(catalog, 'namedBranch')).toEqual(['alpha_develop', 'alpha_release']);
    expect(await entity(catalog, 'namedBranch', 'alpha_release')).toMatchObject({
      properties: { author: 'Mona', url: `https://github.com/${ORG}/alpha/tree/release` },
    });
  });

  test('the branch resources read no branch list: two pages of repositories and one query of rules', async () => {
    github.reset();
    expect(await resyncOwner(catalog, ORG)).toMatchObject({ state: 'completed', errors: 0 });
    const named = operations('WharfKindRepositories').filter((request) => 'wharfBranch0' in (request.variables ?? {}));
    expect(named).toHaveLength(1);
    expect(named[0]!.variables).toMatchObject({
      wharfBranch0: 'refs/heads/develop',
      wharfBranch1: 'refs/heads/release',
      wharfBranch2: 'refs/heads/missing',
    });
    expect(operations('WharfBranchRules')).toHaveLength(1);
    expect(operations('WharfBranchRules')[0]!.variables).toMatchObject({
      ref0: 'refs/heads/main',
      ref1: 'refs/heads/main',
    });
    // Only the follow-ups of the issues and of the two pull request resources: no branch is listed (`refs`).
    expect(operations('WharfKindFollowUp')).toHaveLength(3);
  });

  test("api: graphql gives that resource's jq the vendor's GraphQL shape; api: rest the REST one", async () => {
    expect(await entity(catalog, 'graphqlPull', 'alpha-7')).toMatchObject({
      title: 'Change 7',
      properties: {
        author: 'octocat',
        head: 'feature-7',
        state: 'open',
        mergeable: 'true',
        mergeState: 'clean',
        counts: '3,2,1,70',
        labels: 'bug',
        reviewers: 'hubot,platform',
        decision: 'REVIEW_REQUIRED',
      },
    });
    // No REST field in the GraphQL shape, and no GraphQL field in the REST one.
    expect((await entity(catalog, 'graphqlPull', 'alpha-7'))!.properties.restUser ?? null).toBeNull();
    expect(await entity(catalog, 'restPull', 'alpha-7')).toMatchObject({
      properties: { author: 'octocat', head: 'feature-7' },
    });
    expect((await entity(catalog, 'restPull', 'alpha-7'))!.properties.graphqlAuthor ?? null).toBeNull();
  });

  test("ecosystems: GitHub's `ecosystem` filter of the organization's alert list", async () => {
    expect(await identifiers(catalog, 'npmAlert')).toEqual(['alpha-1', 'beta-3']);
    expect(await entity(catalog, 'npmAlert', 'beta-3')).toMatchObject({ properties: { ecosystem: 'npm' } });
    expect(security.listRequests.filter((request) => request.startsWith(`/orgs/${ORG}/dependabot/`))).toContainEqual(
      expect.stringContaining('state=open&ecosystem=npm&per_page=100'),
    );
  });
});

describe('live events', () => {
  test('issues labeled and unlabeled: the issue is taken while it has every label, and loses its entity after', async () => {
    const opened = payload('issues', 'labeled', alpha);
    const issue = opened.issue as Record<string, unknown>;
    const label = (name: string) => ({ ...(issue.labels as Array<Record<string, unknown>>)[0], name });
    const identifier = `alpha-${String(issue.number)}`;

    await deliver('issues', { ...opened, issue: { ...issue, state: 'open', labels: [label('bug')] } });
    expect(await entity(catalog, 'labeledIssue', identifier)).toBeUndefined();

    await deliver('issues', { ...opened, issue: { ...issue, state: 'open', labels: [label('Bug'), label('urgent')] } });
    expect(await entity(catalog, 'labeledIssue', identifier)).toMatchObject({ properties: { labels: 'Bug,urgent' } });

    const unlabeled = payload('issues', 'unlabeled', alpha);
    await deliver('issues', { ...unlabeled, issue: { ...issue, state: 'open', labels: [label('urgent')] } });
    expect(await entity(catalog, 'labeledIssue', identifier)).toBeUndefined();
  });

  test('a branch created: read and written where a resource takes its name; one none takes costs no read', async () => {
    alphaObjects.refs.set('refs/heads/hotfix', fakeBranch({ owner: ORG, name: 'alpha' }, 'hotfix', 'a9'));
    await deliver('create', payload('create', undefined, alpha, { ref: 'hotfix', ref_type: 'branch' }));
    expect(operations('WharfBranch')).toHaveLength(0);
    expect(await identifiers(catalog, 'namedBranch')).toEqual(['alpha_develop', 'alpha_release']);

    alphaObjects.refs.delete('refs/heads/release');
    await deliver('delete', payload('delete', undefined, alpha, { ref: 'release', ref_type: 'branch' }));
    expect(await identifiers(catalog, 'namedBranch')).toEqual(['alpha_develop']);

    alphaObjects.refs.set('refs/heads/release', fakeBranch({ owner: ORG, name: 'alpha' }, 'release', 'a5'));
    await deliver('create', payload('create', undefined, alpha, { ref: 'release', ref_type: 'branch' }));
    expect(operations('WharfBranch')).toHaveLength(1);
    expect(await identifiers(catalog, 'namedBranch')).toEqual(['alpha_develop', 'alpha_release']);
    // Not the default branch: the defaultBranchOnly resource does not take it.
    expect(await entity(catalog, 'defaultBranch', 'alpha_release')).toBeUndefined();
  });

  test('dependabot_alert: an alert of another ecosystem is not taken; one of npm is', async () => {
    const created = payload('dependabot_alert', 'created', alpha);
    security.dependabotAlert(alpha, 7, 'open', 'high'); // pip
    await deliver('dependabot_alert', { ...created, alert: { ...(created.alert as object), number: 7 } });
    expect(await entity(catalog, 'npmAlert', 'alpha-7')).toBeUndefined();

    security.dependabotAlert(alpha, 8, 'open', 'high', 'npm');
    await deliver('dependabot_alert', { ...created, alert: { ...(created.alert as object), number: 8 } });
    expect(await entity(catalog, 'npmAlert', 'alpha-8')).toMatchObject({ properties: { ecosystem: 'npm' } });
  });

  test("pull_request opened: the GraphQL shape from the payload's REST pull request, what REST lacks null", async () => {
    const opened = payload('pull_request', 'opened', alpha);
    const pull = opened.pull_request as Record<string, unknown> & { number: number; user: { login: string } };
    await deliver('pull_request', opened);
    const identifier = `alpha-${pull.number}`;
    expect(await entity(catalog, 'graphqlPull', identifier)).toMatchObject({
      title: pull.title,
      properties: {
        author: pull.user.login,
        head: (pull.head as { ref: string }).ref,
        state: 'open',
        counts: [pull.commits, pull.comments, pull.review_comments, pull.additions].join(','),
      },
    });
    expect((await entity(catalog, 'graphqlPull', identifier))!.properties.decision ?? null).toBeNull();
    expect(await entity(catalog, 'restPull', identifier)).toMatchObject({ properties: { author: pull.user.login } });
  });
});
