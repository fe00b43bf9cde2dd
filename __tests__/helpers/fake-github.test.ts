/**
 * The fake GitHub answers only what GitHub has: GraphQL queries run against GitHub's published schema
 * (@octokit/graphql-schema), its REST routes are operations of GitHub's OpenAPI description (@octokit/openapi).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { repositoriesQuery, repositoryPageQuery } from '../../app/sync/github/repository-query.ts';
import {
  executeGithubQuery,
  FAKE_REST_ROUTES,
  type FakeGithub,
  GithubError,
  githubOpenApiOperations,
  startFakeGithub,
} from './fake-github.ts';

let github: FakeGithub;

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation('acme', 1);
  for (let index = 0; index < 120; index++) {
    github.addRepository({
      id: 100 + index,
      owner: 'acme',
      name: `repo-${String(index).padStart(3, '0')}`,
      topics: ['catalog'],
      files: index % 2 === 0 ? { 'README.md': `# ${index}` } : {},
    });
  }
  github.addInstallation('octocat', 2, 'User');
});

afterAll(async () => {
  await github.close();
});

beforeEach(() => github.reset());

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; type?: string; path?: unknown[]; locations?: unknown[] }>;
}

async function post(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlBody> {
  const response = await fetch(`${github.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GraphqlBody;
}

/** The value at a dotted path of an answer (`repositoryOwner.repositories.nodes.0.name`). */
function at<T = unknown>(value: unknown, path: string): T {
  let current = value;
  for (const key of path.split('.')) current = (current as Record<string, unknown> | null | undefined)?.[key];
  return current as T;
}

/** A field of each node of a list. */
const each = (value: unknown, path: string, field: string): unknown[] =>
  at<Array<Record<string, unknown>>>(value, path).map((node) => at(node, field));

/** Takes what the fake recorded as refused, so that close() does not report the refusals these tests provoke. */
function refusals(): string[] {
  const errors = github.invalidQueries.flatMap((invalid) => invalid.errors);
  github.invalidQueries.length = 0;
  return errors;
}

describe('GraphQL against GitHub’s schema', () => {
  test('a field GitHub lacks is refused as GitHub refuses it, and recorded', async () => {
    const body = await post(`query Bad { repository(owner: "acme", name: "repo-000") { nameWithOwner starCount } }`);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: expect.stringMatching(/^Cannot query field "starCount" on type "Repository"\./),
        locations: [{ line: 1, column: 73 }],
      },
    ]);
    expect(github.invalidQueries).toEqual([expect.objectContaining({ operation: 'Bad' })]);
    expect(refusals()).toHaveLength(1);
  });

  test('unknown arguments, types, missing variables and pagination past GitHub’s limits are refused', async () => {
    await post(`{ repository(owner: "acme", name: "repo-000", ref: "main") { id } }`);
    await post(
      `{ repository(owner: "acme", name: "repo-000") { object(expression: "HEAD:a") { ... on File { text } } } }`,
    );
    await post(`query Q($owner: String!) { repositoryOwner(login: $owner) { id } }`, {});
    await post(`{ repositoryOwner(login: "acme") { repositories(first: 101) { nodes { id } } } }`);
    await post(`{ repositoryOwner(login: "acme") { repositories { nodes { id } } } }`);
    expect(refusals()).toEqual([
      'Unknown argument "ref" on field "Query.repository".',
      'Unknown type "File".',
      'Variable "$owner" of required type "String!" was not provided.',
      'Requesting 101 records on the `repositories` connection exceeds the `first` limit of 100 records.',
      'You must provide a `first` or `last` value to properly paginate the `repositories` connection.',
    ]);
  });

  test('every query the App builds validates and answers as before', async () => {
    const page = repositoryPageQuery('acme', 100, null, ['README.md', 'CODEOWNERS']);
    const first = await post(page.query, page.variables);
    expect(first.errors).toBeUndefined();
    const repositories = at<{ nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } }>(
      first.data,
      'repositoryOwner.repositories',
    );
    expect(repositories.nodes).toHaveLength(100);
    expect(repositories.pageInfo.hasNextPage).toBe(true);
    expect(repositories.nodes[0]).toMatchObject({
      name: 'repo-000',
      nameWithOwner: 'acme/repo-000',
      visibility: 'PUBLIC',
      repositoryTopics: { nodes: [{ topic: { name: 'catalog' } }] },
      owner: { __typename: 'Organization', login: 'acme' },
      defaultBranchRef: { name: 'main', target: { oid: expect.stringMatching(/^[0-9a-f]{40}$/) } },
      file0: { text: '# 0' },
      file1: null,
    });
    expect(at(repositories, 'nodes.1.defaultBranchRef.target')).toBeNull();
    expect(first.data?.rateLimit).toEqual({ cost: 1, remaining: 4999, resetAt: expect.any(String) });

    const next = repositoryPageQuery('acme', 100, repositories.pageInfo.endCursor, ['README.md']);
    const second = await post(next.query, next.variables);
    expect(each(second.data, 'repositoryOwner.repositories.nodes', 'name')).toEqual(
      Array.from({ length: 20 }, (_, index) => `repo-${String(100 + index).padStart(3, '0')}`),
    );
    expect(at(second.data, 'repositoryOwner.repositories.pageInfo')).toEqual({
      hasNextPage: false,
      endCursor: expect.any(String),
    });
    expect(github.pageCursors()).toEqual([null, repositories.pageInfo.endCursor]);

    const named = repositoriesQuery([
      { owner: 'acme', name: 'repo-002', expressions: ['HEAD:README.md', `${'a'.repeat(40)}:port.yml`] },
      { owner: 'acme', name: 'repo-003', expressions: ['HEAD:.github/port-app-config.yml'], filesOnly: true },
      { owner: 'acme', name: 'gone', expressions: ['HEAD:README.md'], filesOnly: true },
    ]);
    const answer = await post(named.query, named.variables);
    expect(answer.data).toMatchObject({
      repo0: { name: 'repo-002', repo0_file0: { text: '# 2' }, repo0_file1: null },
      repo1: { id: 'R_103', repo1_file0: null },
      repo2: null,
    });
    expect(answer.errors).toEqual([
      {
        type: 'NOT_FOUND',
        path: ['repo2'],
        locations: [expect.any(Object)],
        message: "Could not resolve to a Repository with the name 'acme/gone'.",
      },
    ]);
    expect(github.requests.map((request) => request.operation)).toEqual([
      'WharfRepositoryPage',
      'WharfRepositoryPage',
      'WharfRepositories',
    ]);
    expect(github.invalidQueries).toEqual([]);
  });

  test('an owner GitHub does not know is null with NOT_FOUND', async () => {
    const page = repositoryPageQuery('nobody', 100, null, []);
    const body = await post(page.query, page.variables);
    expect(body.data).toEqual({ rateLimit: expect.any(Object), repositoryOwner: null });
    expect(body.errors).toEqual([expect.objectContaining({ type: 'NOT_FOUND', path: ['repositoryOwner'] })]);
  });

  test('arrays are paged as connections, functions get the arguments, interfaces resolve by __typename', async () => {
    const pulls = Array.from({ length: 7 }, (_, index) => ({
      __typename: 'PullRequest',
      id: `PR_${index}`,
      number: index + 1,
      title: `change ${index + 1}`,
      state: index < 5 ? 'OPEN' : 'MERGED',
      author: { __typename: 'User', login: 'octocat' },
    }));
    const repository = github.repository('acme', 'repo-004');
    repository.graphql = {
      pullRequests: ({ states }: { states?: string[] }) =>
        pulls.filter((pull) => !states || states.includes(pull.state)),
    };
    github.setOwnerGraphql('acme', { teams: [{ id: 'T_1', name: 'Platform', slug: 'platform' }] });
    const query = `query Pulls($after: String, $before: String) {
      repository(owner: "acme", name: "repo-004") {
        open: pullRequests(first: 2, after: $after, states: [OPEN]) {
          totalCount
          nodes { number state author { login ... on User { login } } }
          edges { cursor node { title } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
        last: pullRequests(last: 2, before: $before) { nodes { number } pageInfo { hasPreviousPage } }
        owner { ... on Organization { teams(first: 10) { totalCount nodes { slug } } } }
      }
    }`;
    const one = await post(query);
    expect(one.errors).toBeUndefined();
    expect(at(one.data, 'repository.open.totalCount')).toBe(5);
    expect(each(one.data, 'repository.open.nodes', 'number')).toEqual([1, 2]);
    expect(each(one.data, 'repository.open.edges', 'node.title')).toEqual(['change 1', 'change 2']);
    expect(at(one.data, 'repository.open.pageInfo')).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(each(one.data, 'repository.last.nodes', 'number')).toEqual([6, 7]);
    expect(at(one.data, 'repository.owner.teams')).toEqual({ totalCount: 1, nodes: [{ slug: 'platform' }] });
    const endCursor = at<string>(one.data, 'repository.open.pageInfo.endCursor');

    const two = await post(query, { after: endCursor, before: endCursor });
    expect(each(two.data, 'repository.open.nodes', 'number')).toEqual([3, 4]);
    expect(at(two.data, 'repository.open.pageInfo.hasPreviousPage')).toBe(true);
    expect(each(two.data, 'repository.last.nodes', 'number')).toEqual([1]);
    delete repository.graphql;
  });

  test('rateLimit reports GitHub’s cost of the query and spends it', async () => {
    const query = `{
      rateLimit { cost remaining used limit nodeCount resetAt }
      repositoryOwner(login: "acme") {
        repositories(first: 100) { nodes { issues(first: 50) { nodes { comments(first: 10) { totalCount } } } } }
      }
    }`;
    const body = await post(query);
    expect(body.errors).toBeUndefined();
    // Requests: 1 (repositories) + 100 (issues of each) + 100 * 50 (comments of each issue) = 5,101; / 100.
    expect(body.data?.rateLimit).toEqual({
      cost: 51,
      remaining: 5000 - 51,
      used: 51,
      limit: 5000,
      nodeCount: 100 + 5_000 + 50_000,
      resetAt: expect.any(String),
    });
    const again = await post(query);
    expect(again.data?.rateLimit).toMatchObject({ remaining: 5000 - 102, used: 102 });
    // A connection the data lacks is empty.
    expect(at(again.data, 'repositoryOwner.repositories.nodes.0.issues')).toEqual({ nodes: [] });
  });

  test('a query over 500,000 nodes is refused', async () => {
    await post(`{
      repositoryOwner(login: "acme") {
        repositories(first: 100) { nodes { issues(first: 100) { nodes { comments(first: 100) { totalCount } } } } }
      }
    }`);
    expect(refusals()).toEqual([
      'This query requests up to 1010100 possible nodes which exceeds the maximum limit of 500,000.',
    ]);
  });

  test('data that cannot answer what the schema promises is a data problem, GithubError is GitHub’s error', () => {
    const answer = executeGithubQuery(
      `{ repository(owner: "a", name: "b") { id nameWithOwner } viewer { login } }`,
      {},
      {
        repository: { id: 'R_1' },
        viewer: () => {
          throw new GithubError('FORBIDDEN', 'Resource not accessible by integration');
        },
      },
    );
    expect(answer.refused).toEqual([]);
    expect(answer.dataProblems).toEqual([
      'Cannot return null for non-nullable field Repository.nameWithOwner. (at repository.nameWithOwner)',
    ]);
    expect(answer.body.errors).toContainEqual(
      expect.objectContaining({
        type: 'FORBIDDEN',
        path: ['viewer'],
        message: 'Resource not accessible by integration',
      }),
    );
  });

  test('a page of 100 repositories with file aliases runs in milliseconds', async () => {
    const page = repositoryPageQuery('acme', 100, null, ['README.md', 'CODEOWNERS', '.github/port.yml']);
    await post(page.query, page.variables);
    const started = performance.now();
    const runs = 20;
    for (let run = 0; run < runs; run++) await post(page.query, page.variables);
    const perPage = (performance.now() - started) / runs;
    expect(perPage).toBeLessThan(200);
  });
});

describe('REST routes of GitHub’s OpenAPI description', () => {
  test('every route the fake serves is an operation of api.github.com', () => {
    const operations = githubOpenApiOperations();
    const missing = github
      .routes()
      .concat(FAKE_REST_ROUTES)
      .filter((route) => !operations.has(`${route.method} ${route.template}`));
    expect(missing).toEqual([]);
    expect(github.routes().length).toBeGreaterThanOrEqual(FAKE_REST_ROUTES.length);
  });

  test('route() adds an operation GitHub has and refuses one it lacks', async () => {
    expect(() => github.route('GET', '/repos/{owner}/{repo}/deployment-targets', () => ({ status: 200 }))).toThrow(
      "GitHub's OpenAPI description has no GET /repos/{owner}/{repo}/deployment-targets",
    );
    github.route('GET', '/repos/{owner}/{repo}/environments', ({ params }) => ({
      status: 200,
      body: { total_count: 1, environments: [{ name: `${params.owner}/${params.repo}: production` }] },
    }));
    const response = await fetch(`${github.url}/api/v3/repos/acme/repo-000/environments`);
    expect(await response.json()).toEqual({ total_count: 1, environments: [{ name: 'acme/repo-000: production' }] });
  });

  test('a path the fake does not serve is 404 Not Found, and recorded', async () => {
    const response = await fetch(`${github.url}/repos/acme/repo-000/teleport`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
    expect(github.unknownRoutes).toEqual([{ method: 'GET', path: '/repos/acme/repo-000/teleport' }]);
    github.unknownRoutes.length = 0;
  });

  test('parameters that hold slashes: file paths and comparisons of branches', async () => {
    github.setFile('acme', 'repo-000', 'docs/a b.md', 'hello');
    const file = await fetch(`${github.url}/repos/acme/repo-000/contents/docs/a%20b.md`);
    expect(Buffer.from(((await file.json()) as { content: string }).content, 'base64').toString()).toBe('hello');
    github.repository('acme', 'repo-000').comparisons = {
      'main...feature/x': { commits: ['c1'], files: [{ filename: 'a', status: 'added' }] },
    };
    const comparison = await fetch(`${github.url}/repos/acme/repo-000/compare/main...feature/x`);
    expect(((await comparison.json()) as { total_commits: number }).total_commits).toBe(1);
  });
});
