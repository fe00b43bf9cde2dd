/**
 * A small local GitHub for catalog sync's tests and benchmark. Pass its url to Probot as `baseUrl`
 * (createTestProbot({ baseUrl })), or as GHE_HOST with GHE_PROTOCOL=http (REST under /api/v3, GraphQL at
 * /api/graphql).
 *
 * GraphQL: every POST /graphql is parsed, validated against GitHub's published schema (@octokit/graphql-schema) and
 * executed over the fake's data (./graphql.ts says how data resolves: properties, functions of the arguments,
 * arrays paged as connections, `__typename` for interfaces and unions). A query GitHub would refuse is answered as
 * GitHub answers it (200, `{ errors: [{ message, locations }] }`) and recorded in `invalidQueries`; a data object
 * that cannot answer what the schema promises (a null for a non-null field) is recorded in `dataProblems`. `close()`
 * rejects while either (or `unknownRoutes`, below) is not empty, so a test file whose App sent a query GitHub lacks
 * fails in its afterAll; a test that provokes a refusal on purpose empties the list (`invalidQueries.length = 0`).
 * `rateLimit` answers the query's cost by GitHub's formula and spends it from `graphqlQuota`.
 *
 * Adding GraphQL data:
 * - `addRepository({ ..., graphql: { pullRequests: [...], issues: ({ states }) => [...] } })`: merged over the
 *   Repository object built from the FakeRepository (these win); or later `fake.repository(o, r).graphql = {...}`;
 * - `setOwnerGraphql('acme', { teams: [...], membersWithRole: [...] })`: merged over the Organization or User;
 * - `setQueryGraphql({ viewer: {...}, node: ({ id }) => ... })`: fields of the Query type itself.
 * Connection fields take arrays (paged here) or functions of the arguments returning arrays (a connection the data
 * lacks is empty); values are plain JSON-like data, enum values their names (`'OPEN'`); objects in interface or
 * union positions name their type: `{ __typename: 'PullRequest', ... }`. Throw `new GithubError('NOT_FOUND', ...)`
 * from a function to answer GitHub's error for that field.
 *
 * REST: every route is a method and a path template of GitHub's OpenAPI description (`/repos/{owner}/{repo}/readme`),
 * in FAKE_REST_ROUTES (checked against @octokit/openapi by __tests__/helpers/fake-github.test.ts) or added with
 * `fake.route('GET', '/repos/{owner}/{repo}/environments', (request) => ({ status: 200, body: ... }))`, which
 * refuses a template GitHub's description lacks. A request no route matches answers 404 `{ message: 'Not Found' }`
 * and is recorded in `unknownRoutes`, which close() reports too.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { listenOnLoopback } from '../open-resources.ts';
import { executeGithubQuery, GithubError, pageConnection, type QueryCost } from './graphql.ts';
import { FAKE_SEARCH_LIMIT, fakeSearchFinds } from './search.ts';

export { GithubError, githubSchema, executeGithubQuery, pageConnection } from './graphql.ts';

export interface FakeRepository {
  id: number;
  name: string;
  owner: string;
  private?: boolean;
  visibility?: 'public' | 'private' | 'internal';
  description?: string | null;
  language?: string | null;
  topics?: string[];
  archived?: boolean;
  defaultBranch?: string;
  pushedAt?: string;
  /** When it was created (`search`'s `created:` looks at it); default 2024-01-01. */
  createdAt?: string;
  /** Whether it is a fork: GitHub's search leaves forks out unless asked (`fork:true`). */
  fork?: boolean;
  /** Files on the default branch. */
  files?: Record<string, string>;
  /** Files at other commits (pull request heads, pushes): sha -> path -> text; a path not there reads `files`. */
  commits?: Record<string, Record<string, string | null>>;
  /** Entries a recursive tree lists before GitHub truncates it (GitHub: 100,000); unset: no limit. */
  treeLimit?: number;
  /** What `GET /repos/{o}/{r}/pulls/{n}/files` answers. */
  pullFiles?: Record<number, Array<{ filename: string; status: string }>>;
  /** What `GET /repos/{o}/{r}/compare/{base}...{head}` answers, by `base...head`: its commits' ids and its files. */
  comparisons?: Record<string, FakeComparison>;
  /**
   * More fields of the GraphQL Repository object, merged over those built from this repository: values, functions
   * of the field's arguments, arrays for connections (see graphql.ts).
   */
  graphql?: Record<string, unknown>;
}

export interface FakeComparison {
  commits: string[];
  files: Array<{ filename: string; status: string; previous_filename?: string }>;
}

export interface FakeRequest {
  method: string;
  path: string;
  /** For GraphQL: the operation name (WharfRepositoryPage, WharfRepositories). */
  operation?: string;
  variables?: Record<string, unknown>;
}

export type FakeAnswer =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answer (until the server closes). */
  | { hang: true };

export interface FakeFault {
  match: (request: FakeRequest) => boolean;
  times?: number;
  answer: FakeAnswer;
}

export interface CheckRunRecord {
  owner: string;
  repo: string;
  body: {
    name: string;
    head_sha: string;
    conclusion: string;
    output: { title: string; summary: string; annotations?: Array<Record<string, unknown>> };
  };
}

/** A REST request as a route's handler sees it. */
export interface RestRequest {
  method: string;
  /** The path without the GHE prefix and without the query string. */
  path: string;
  /** The template's parameters, URL-decoded: `{ owner, repo, tree_sha }`. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface RestAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type RestHandler = (request: RestRequest) => RestAnswer;

export interface RestRoute {
  method: string;
  /** A path of GitHub's OpenAPI description, parameters in braces. */
  template: string;
}

export interface InvalidQuery {
  operation: string | undefined;
  query: string;
  variables: Record<string, unknown>;
  /** GitHub's reasons: unknown fields, arguments or types, variables that do not fit, pagination limits. */
  errors: string[];
}

export interface GraphqlQuota {
  limit: number;
  used: number;
  /** Epoch milliseconds. */
  resetAt: number;
}

export interface FakeGithub {
  url: string;
  /** Added to every answer, as the network and GitHub would. */
  latencyMs: number;
  requests: FakeRequest[];
  checkRuns: CheckRunRecord[];
  /** GraphQL queries GitHub would have refused. close() rejects while this is not empty. */
  invalidQueries: InvalidQuery[];
  /** GraphQL answers the fake's data could not give as GitHub would (non-null fields left null, ...). Same. */
  dataProblems: string[];
  /** Requests no REST route matched (answered 404 Not Found). Same. */
  unknownRoutes: FakeRequest[];
  /** The GraphQL quota `rateLimit` reports; each query spends its cost. reset() restores it. */
  graphqlQuota: GraphqlQuota;
  addInstallation(owner: string, installationId: number, type?: 'Organization' | 'User'): void;
  addRepository(repository: FakeRepository): FakeRepository;
  repository(owner: string, name: string): FakeRepository;
  removeRepository(owner: string, name: string): void;
  /** Sets (text) or removes (null) a file on the default branch. */
  setFile(owner: string, name: string, path: string, text: string | null): void;
  /** Fields merged over the GraphQL Organization or User of an installed owner (`teams`, `membersWithRole`, ...). */
  setOwnerGraphql(owner: string, fields: Record<string, unknown>): void;
  /** Fields merged over the GraphQL Query type (`viewer`, `node`, `search`, ...). */
  setQueryGraphql(fields: Record<string, unknown>): void;
  /**
   * Adds (or replaces) the REST route `method template`; throws when GitHub's OpenAPI description has no such
   * operation.
   */
  route(method: string, template: string, handler: RestHandler): void;
  /** The REST routes served: FAKE_REST_ROUTES and those added with route(). */
  routes(): RestRoute[];
  fault(fault: FakeFault): void;
  /** The `after` cursor of each repository page requested, in order. */
  pageCursors(): Array<string | null>;
  /** Forgets requests, check runs, faults and spent quota (not what close() reports). */
  reset(): void;
  close(): Promise<void>;
}

const OWNER_IDS = new Map<string, number>();

/** The REST routes every fake serves (method and OpenAPI path), checked against GitHub's OpenAPI by a test. */
export const FAKE_REST_ROUTES: readonly RestRoute[] = [
  { method: 'POST', template: '/app/installations/{installation_id}/access_tokens' },
  { method: 'GET', template: '/app' },
  { method: 'GET', template: '/app/installations' },
  { method: 'GET', template: '/orgs/{org}/installation' },
  { method: 'GET', template: '/users/{username}/installation' },
  { method: 'POST', template: '/repos/{owner}/{repo}/check-runs' },
  { method: 'GET', template: '/repos/{owner}/{repo}/pulls/{pull_number}/files' },
  { method: 'GET', template: '/repos/{owner}/{repo}/compare/{basehead}' },
  { method: 'GET', template: '/orgs/{org}/repos' },
  { method: 'GET', template: '/users/{username}/repos' },
  { method: 'GET', template: '/repos/{owner}/{repo}/git/trees/{tree_sha}' },
  { method: 'GET', template: '/repos/{owner}/{repo}/readme' },
  { method: 'GET', template: '/repos/{owner}/{repo}/contents/{path}' },
  { method: 'GET', template: '/repos/{owner}/{repo}' },
];

/** Template parameters that may hold slashes when last in a path (a file's path, `base...head` of branches). */
const SLASHED_PARAMETERS = new Set(['path', 'basehead', 'ref']);

interface CompiledRoute extends RestRoute {
  pattern: RegExp;
  names: string[];
  /** Literal segments: the more, the more specific. */
  literals: number;
  handler: RestHandler;
}

function compileRoute(method: string, template: string, handler: RestHandler): CompiledRoute {
  const names: string[] = [];
  const segments = template.split('/').slice(1);
  const source = segments
    .map((segment, index) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(parameter[1]!);
      return index === segments.length - 1 && SLASHED_PARAMETERS.has(parameter[1]!) ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return {
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^/${source}$`),
    names,
    literals: segments.filter((segment) => !segment.startsWith('{')).length,
    handler,
  };
}

let openApiOperations: Set<string> | undefined;

/** `METHOD /template` of every operation in GitHub's OpenAPI description of api.github.com (@octokit/openapi). */
export function githubOpenApiOperations(): Set<string> {
  if (!openApiOperations) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    const description = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    openApiOperations = new Set();
    for (const [path, operations] of Object.entries(description.paths)) {
      for (const method of Object.keys(operations)) openApiOperations.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return openApiOperations;
}

const NOT_FOUND: RestAnswer = { status: 404, body: { message: 'Not Found' } };

export async function startFakeGithub(options: { latencyMs?: number } = {}): Promise<FakeGithub> {
  interface Owner {
    login: string;
    installationId: number;
    type: string;
    repositories: Map<string, FakeRepository>;
    graphql: Record<string, unknown>;
  }
  const owners = new Map<string, Owner>();
  let faults: Array<FakeFault & { left: number }> = [];
  let queryGraphql: Record<string, unknown> = {};
  const hanging = new Set<ServerResponse>();
  const restRoutes: CompiledRoute[] = [];

  const ownerOf = (login: string) => owners.get(login.toLowerCase());
  const find = (owner: string, name: string): FakeRepository | undefined =>
    ownerOf(owner)?.repositories.get(name.toLowerCase());
  const freshQuota = (): GraphqlQuota => ({ limit: 5000, used: 0, resetAt: Date.now() + 3600_000 });

  const fake: FakeGithub = {
    url: '',
    latencyMs: options.latencyMs ?? 0,
    requests: [],
    checkRuns: [],
    invalidQueries: [],
    dataProblems: [],
    unknownRoutes: [],
    graphqlQuota: freshQuota(),
    addInstallation(owner, installationId, type = 'Organization') {
      if (!OWNER_IDS.has(owner)) OWNER_IDS.set(owner, 9000 + OWNER_IDS.size);
      owners.set(owner.toLowerCase(), { login: owner, installationId, type, repositories: new Map(), graphql: {} });
    },
    addRepository(repository) {
      const owner = ownerOf(repository.owner);
      if (!owner) throw new Error(`add the installation on ${repository.owner} first`);
      owner.repositories.set(repository.name.toLowerCase(), repository);
      return repository;
    },
    repository(owner, name) {
      const repository = find(owner, name);
      if (!repository) throw new Error(`no repository ${owner}/${name}`);
      return repository;
    },
    removeRepository(owner, name) {
      ownerOf(owner)?.repositories.delete(name.toLowerCase());
    },
    setFile(owner, name, path, text) {
      const repository = fake.repository(owner, name);
      repository.files ??= {};
      if (text === null) delete repository.files[path];
      else repository.files[path] = text;
    },
    setOwnerGraphql(login, fields) {
      const owner = ownerOf(login);
      if (!owner) throw new Error(`add the installation on ${login} first`);
      owner.graphql = { ...owner.graphql, ...fields };
    },
    setQueryGraphql(fields) {
      queryGraphql = { ...queryGraphql, ...fields };
    },
    route(method, template, handler) {
      if (!githubOpenApiOperations().has(`${method.toUpperCase()} ${template}`)) {
        throw new Error(`GitHub's OpenAPI description has no ${method.toUpperCase()} ${template}`);
      }
      addRoute(method, template, handler);
    },
    routes() {
      return restRoutes.map(({ method, template }) => ({ method, template }));
    },
    fault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    pageCursors() {
      return fake.requests
        .filter((request) => request.operation === 'WharfRepositoryPage')
        .map((request) => (request.variables?.after as string | null | undefined) ?? null);
    },
    reset() {
      fake.requests.length = 0;
      fake.checkRuns.length = 0;
      fake.graphqlQuota = freshQuota();
      faults = [];
    },
    async close() {
      for (const response of hanging) response.destroy();
      await listening.close();
      const problems = [
        ...fake.invalidQueries.map(
          (invalid) => `a query GitHub refuses (${invalid.operation ?? 'anonymous'}): ${invalid.errors.join('; ')}`,
        ),
        ...fake.dataProblems.map((problem) => `the fake's data could not answer as GitHub: ${problem}`),
        ...fake.unknownRoutes.map(
          (request) => `a REST route the fake does not serve (fake.route() adds it): ${request.method} ${request.path}`,
        ),
      ];
      if (problems.length > 0) throw new Error(`the fake GitHub saw:\n${problems.join('\n')}`);
    },
  };

  function addRoute(method: string, template: string, handler: RestHandler): void {
    const compiled = compileRoute(method, template, handler);
    const index = restRoutes.findIndex((route) => route.method === compiled.method && route.template === template);
    if (index >= 0) restRoutes[index] = compiled;
    else restRoutes.push(compiled);
  }

  // ---- GraphQL data ----

  /** `<ref>:<path>` as a Blob (null: no such file), `<ref>` alone as a Commit. */
  function gitObject(repository: FakeRepository, expression: string): Record<string, unknown> | null {
    const colon = expression.indexOf(':');
    if (colon < 0) {
      if (expression === 'HEAD' || expression === (repository.defaultBranch ?? 'main')) return headCommit(repository);
      return repository.commits?.[expression] ? { __typename: 'Commit', id: `C_${expression}`, oid: expression } : null;
    }
    const ref = expression.slice(0, colon);
    const path = expression.slice(colon + 1);
    const atCommit = ref === 'HEAD' ? undefined : repository.commits?.[ref];
    const text = atCommit && path in atCommit ? atCommit[path] : repository.files?.[path];
    if (typeof text !== 'string') return null;
    const oid = createHash('sha1').update(text).digest('hex');
    return {
      __typename: 'Blob',
      id: `B_${oid}`,
      oid,
      text,
      byteSize: Buffer.byteLength(text),
      isBinary: false,
      isTruncated: false,
    };
  }

  /** The default branch's commit: an id of its files (it changes with them), null without a file (no commit). */
  function headCommit(repository: FakeRepository): Record<string, unknown> | null {
    const files = Object.entries(repository.files ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (files.length === 0) return null;
    const oid = createHash('sha1').update(JSON.stringify(files)).digest('hex');
    return { __typename: 'Commit', id: `C_${oid}`, oid };
  }

  function ownerNode(owner: Owner): Record<string, unknown> {
    const login = owner.login;
    return {
      __typename: owner.type,
      id: `O_${OWNER_IDS.get(login)}`,
      databaseId: OWNER_IDS.get(login),
      login,
      name: login,
      url: `https://github.com/${login}`,
      resourcePath: `/${login}`,
      avatarUrl: `https://avatars.githubusercontent.com/u/${OWNER_IDS.get(login)}`,
      repositories: (args: { orderBy?: { field?: string; direction?: string } }) => {
        const sorted = [...owner.repositories.values()].sort((a, b) =>
          a.name.toLowerCase().localeCompare(b.name.toLowerCase()),
        );
        if (args.orderBy?.direction === 'DESC') sorted.reverse();
        return sorted.map(node);
      },
      repository: ({ name }: { name: string }) => {
        const repository = owner.repositories.get(name.toLowerCase());
        return repository ? node(repository) : null;
      },
      ...owner.graphql,
    };
  }

  /** A repository as GraphQL's Repository object. */
  function node(repository: FakeRepository): Record<string, unknown> {
    const owner = ownerOf(repository.owner)!;
    const login = repository.owner;
    const visibility = repository.visibility ?? (repository.private ? 'private' : 'public');
    const defaultBranch = repository.defaultBranch ?? 'main';
    return {
      __typename: 'Repository',
      id: `R_${repository.id}`,
      databaseId: repository.id,
      name: repository.name,
      nameWithOwner: `${login}/${repository.name}`,
      url: `https://github.com/${login}/${repository.name}`,
      resourcePath: `/${login}/${repository.name}`,
      description: repository.description ?? null,
      homepageUrl: null,
      isPrivate: visibility !== 'public',
      visibility: visibility.toUpperCase(),
      isArchived: repository.archived ?? false,
      isDisabled: false,
      isFork: repository.fork ?? false,
      isTemplate: false,
      isEmpty: Object.keys(repository.files ?? {}).length === 0,
      isLocked: false,
      isMirror: false,
      mirrorUrl: null,
      createdAt: repository.createdAt ?? '2024-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
      pushedAt: repository.pushedAt ?? '2025-06-01T12:00:00Z',
      diskUsage: 100,
      stargazerCount: 3,
      forkCount: 1,
      hasIssuesEnabled: true,
      hasWikiEnabled: false,
      hasProjectsEnabled: false,
      hasDiscussionsEnabled: false,
      primaryLanguage: repository.language ? { id: `L_${repository.language}`, name: repository.language } : null,
      defaultBranchRef: () => ({
        __typename: 'Ref',
        id: `REF_${repository.id}_${defaultBranch}`,
        name: defaultBranch,
        prefix: 'refs/heads/',
        target: headCommit(repository),
      }),
      licenseInfo: null,
      repositoryTopics: (repository.topics ?? []).map((name) => ({
        id: `RT_${name}`,
        url: `https://github.com/topics/${name}`,
        resourcePath: `/topics/${name}`,
        topic: { id: `T_${name}`, name },
      })),
      object: ({ expression }: { expression?: string }) =>
        expression === undefined ? null : gitObject(repository, expression),
      owner: () => ownerNode(owner),
      ...repository.graphql,
    };
  }

  function queryRoot(cost: QueryCost): Record<string, unknown> {
    const quota = fake.graphqlQuota;
    if (Date.now() >= quota.resetAt) Object.assign(quota, freshQuota());
    quota.used += cost.cost;
    return {
      rateLimit: {
        cost: cost.cost,
        limit: quota.limit,
        nodeCount: cost.nodeCount,
        remaining: Math.max(0, quota.limit - quota.used),
        resetAt: new Date(quota.resetAt).toISOString(),
        used: quota.used,
      },
      repositoryOwner: ({ login }: { login: string }) => {
        const owner = ownerOf(login);
        if (!owner)
          throw new GithubError('NOT_FOUND', `Could not resolve to a RepositoryOwner with the login of '${login}'.`);
        return ownerNode(owner);
      },
      organization: ({ login }: { login: string }) => {
        const owner = ownerOf(login);
        if (owner?.type !== 'Organization') {
          throw new GithubError('NOT_FOUND', `Could not resolve to an Organization with the login of '${login}'.`);
        }
        return ownerNode(owner);
      },
      user: ({ login }: { login: string }) => {
        const owner = ownerOf(login);
        if (owner?.type !== 'User') {
          throw new GithubError('NOT_FOUND', `Could not resolve to a User with the login of '${login}'.`);
        }
        return ownerNode(owner);
      },
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const repository = find(owner, name);
        if (!repository) {
          throw new GithubError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
        }
        return node(repository);
      },
      search: (args: { type: string; query: string; first?: number; after?: string }) => search(args),
      nodes: ({ ids }: { ids: string[] }) => ids.map((id) => repositoryByNodeId(id)),
      ...queryGraphql,
    };
  }

  /**
   * GitHub's search of repositories (./search.ts says which qualifiers), best match first (here: the newest id
   * first), listing at most 1,000 results whatever `repositoryCount` says.
   */
  function search(args: { type: string; query: string; first?: number; after?: string }): Record<string, unknown> {
    if (args.type !== 'REPOSITORY') throw new Error(`the fake GitHub searches repositories only, not ${args.type}`);
    const found = [...owners.values()]
      .flatMap((owner) => [...owner.repositories.values()])
      .filter((repository) => fakeSearchFinds(args.query, repository))
      .sort((a, b) => b.id - a.id);
    return {
      ...pageConnection(found.slice(0, FAKE_SEARCH_LIMIT).map(node), args),
      repositoryCount: found.length,
      issueCount: 0,
      userCount: 0,
      wikiCount: 0,
      codeCount: 0,
      discussionCount: 0,
    };
  }

  function repositoryByNodeId(id: string): Record<string, unknown> | null {
    for (const owner of owners.values()) {
      for (const repository of owner.repositories.values()) if (`R_${repository.id}` === id) return node(repository);
    }
    return null;
  }

  function graphql(body: Record<string, unknown> | undefined, operation: string | undefined): RestAnswer {
    const query = String(body?.query ?? '');
    const variables = (body?.variables as Record<string, unknown> | undefined) ?? {};
    const operationName = typeof body?.operationName === 'string' ? body.operationName : undefined;
    const answer = executeGithubQuery(query, variables, queryRoot, operationName);
    if (answer.refused.length > 0) {
      fake.invalidQueries.push({ operation, query, variables, errors: answer.refused });
    }
    fake.dataProblems.push(...answer.dataProblems.map((problem) => `${operation ?? 'anonymous query'}: ${problem}`));
    return { status: 200, body: answer.body };
  }

  // ---- REST ----

  /** A repository as the REST API lists it. */
  function rest(repository: FakeRepository): Record<string, unknown> {
    const visibility = repository.visibility ?? (repository.private ? 'private' : 'public');
    return {
      id: repository.id,
      node_id: `R_${repository.id}`,
      name: repository.name,
      full_name: `${repository.owner}/${repository.name}`,
      owner: { login: repository.owner, id: OWNER_IDS.get(repository.owner), type: ownerOf(repository.owner)!.type },
      private: visibility !== 'public',
      visibility,
      html_url: `https://github.com/${repository.owner}/${repository.name}`,
      description: repository.description ?? null,
      language: repository.language ?? null,
      topics: repository.topics ?? [],
      archived: repository.archived ?? false,
      default_branch: repository.defaultBranch ?? 'main',
      pushed_at: repository.pushedAt ?? '2025-06-01T12:00:00Z',
    };
  }

  const repositoryOf = (params: Record<string, string>) => find(params.owner!, params.repo!);

  const handlers: Record<string, RestHandler> = {
    'POST /app/installations/{installation_id}/access_tokens': ({ params }) => ({
      status: 201,
      body: { token: `ghs_fake_${params.installation_id}`, expires_at: new Date(Date.now() + 3600_000).toISOString() },
    }),
    'GET /app': () => ({ status: 200, body: { id: 123, slug: 'wharf' } }),
    'GET /app/installations': () => ({
      status: 200,
      body: [...owners.values()].map((owner) => ({
        id: owner.installationId,
        account: { login: owner.login.toLowerCase(), type: owner.type },
      })),
    }),
    'GET /orgs/{org}/installation': ({ params }) => installation(params.org!),
    'GET /users/{username}/installation': ({ params }) => installation(params.username!),
    'POST /repos/{owner}/{repo}/check-runs': ({ params, body }) => {
      fake.checkRuns.push({ owner: params.owner!, repo: params.repo!, body: body as CheckRunRecord['body'] });
      return { status: 201, body: { id: fake.checkRuns.length } };
    },
    'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': ({ params }) => ({
      status: 200,
      body: repositoryOf(params)?.pullFiles?.[Number(params.pull_number)] ?? [],
    }),
    'GET /repos/{owner}/{repo}/compare/{basehead}': ({ params, query }) =>
      compare(repositoryOf(params), params.basehead!, query),
    'GET /orgs/{org}/repos': ({ params, query }) => ownerRepositories(params.org!, query),
    'GET /users/{username}/repos': ({ params, query }) => ownerRepositories(params.username!, query),
    'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': ({ params, query }) =>
      tree(repositoryOf(params), params.tree_sha!, query.has('recursive')),
    'GET /repos/{owner}/{repo}/readme': ({ params }) => contents(repositoryOf(params), 'README.md'),
    'GET /repos/{owner}/{repo}/contents/{path}': ({ params }) => contents(repositoryOf(params), params.path!),
    'GET /repos/{owner}/{repo}': ({ params }) => {
      const repository = repositoryOf(params);
      return repository ? { status: 200, body: rest(repository) } : NOT_FOUND;
    },
  };
  for (const { method, template } of FAKE_REST_ROUTES) addRoute(method, template, handlers[`${method} ${template}`]!);

  function installation(login: string): RestAnswer {
    const owner = ownerOf(login);
    return owner ? { status: 200, body: { id: owner.installationId } } : NOT_FOUND;
  }

  function ownerRepositories(login: string, query: URLSearchParams): RestAnswer {
    const owner = ownerOf(login);
    if (!owner) return NOT_FOUND;
    const perPage = Number(query.get('per_page') ?? 30);
    const page = Number(query.get('page') ?? 1);
    const sorted = [...owner.repositories.values()].sort((a, b) => a.name.localeCompare(b.name));
    return { status: 200, body: sorted.slice((page - 1) * perPage, page * perPage).map(rest) };
  }

  function routeRest(method: string, path: string, query: URLSearchParams, body: unknown): RestAnswer | undefined {
    let best: { route: CompiledRoute; match: RegExpExecArray } | undefined;
    for (const route of restRoutes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (match && (!best || route.literals > best.route.literals)) best = { route, match };
    }
    if (!best) return undefined;
    const params = Object.fromEntries(
      best.route.names.map((name, index) => [name, decodeURIComponent(best.match[index + 1]!)]),
    );
    return best.route.handler({ method, path, params, query, body });
  }

  /**
   * A comparison as GitHub answers it: without paging, the last 250 commits; with per_page or page, that page of
   * the commits, and the files (up to 300 for the whole comparison) on the first page only.
   */
  function compare(repository: FakeRepository | undefined, basehead: string, query: URLSearchParams): RestAnswer {
    const comparison = repository?.comparisons?.[basehead];
    if (!repository || !comparison) return NOT_FOUND;
    const [base, head] = basehead.split('...');
    const paged = query.has('per_page') || query.has('page');
    const perPage = Math.min(Number(query.get('per_page') ?? 250), 250);
    const page = Number(query.get('page') ?? 1);
    const commits = paged
      ? comparison.commits.slice((page - 1) * perPage, page * perPage)
      : comparison.commits.slice(-250);
    const commitUrl = (sha: string) => `${fake.url}/repos/${repository.owner}/${repository.name}/commits/${sha}`;
    const commit = (sha: string) => ({
      sha,
      node_id: `C_${sha}`,
      url: commitUrl(sha),
      html_url: `https://github.com/${repository.owner}/${repository.name}/commit/${sha}`,
      commit: {
        message: 'change',
        author: { name: 'Octocat', email: 'octocat@github.com', date: '2025-06-01T12:00:00Z' },
      },
      parents: [],
    });
    const files = comparison.files.slice(0, 300).map((file) => ({
      sha: 'f'.repeat(40),
      additions: 1,
      deletions: file.status === 'added' ? 0 : 1,
      changes: file.status === 'added' ? 1 : 2,
      blob_url: `https://github.com/${repository.owner}/${repository.name}/blob/${head}/${file.filename}`,
      raw_url: `https://github.com/${repository.owner}/${repository.name}/raw/${head}/${file.filename}`,
      contents_url: `${fake.url}/repos/${repository.owner}/${repository.name}/contents/${file.filename}?ref=${head}`,
      ...file,
    }));
    return {
      status: 200,
      body: {
        url: `${fake.url}/repos/${repository.owner}/${repository.name}/compare/${basehead}`,
        html_url: `https://github.com/${repository.owner}/${repository.name}/compare/${basehead}`,
        base_commit: commit(base!),
        merge_base_commit: commit(base!),
        status: 'ahead',
        ahead_by: comparison.commits.length,
        behind_by: 0,
        total_commits: comparison.commits.length,
        commits: commits.map(commit),
        ...((!paged || page === 1) && { files }),
      },
    };
  }

  /**
   * `GET /repos/{o}/{r}/git/trees/{branch, HEAD or commit}` as GitHub answers it: folders (`tree`) and files
   * (`blob`), the top level only without `recursive`, `truncated` past the repository's treeLimit; 409 for a
   * repository without a commit, 404 for an unknown branch.
   */
  function tree(repository: FakeRepository | undefined, ref: string, recursive: boolean): RestAnswer {
    if (!repository) return NOT_FOUND;
    const files = { ...repository.files };
    if (ref !== 'HEAD' && ref !== (repository.defaultBranch ?? 'main')) {
      const commit = repository.commits?.[ref];
      if (!commit) return NOT_FOUND;
      for (const [path, text] of Object.entries(commit)) {
        if (text === null) delete files[path];
        else files[path] = text;
      }
    }
    if (Object.keys(files).length === 0) return { status: 409, body: { message: 'Git Repository is empty.' } };
    const sha = (text: string) => createHash('sha1').update(text).digest('hex');
    const entries = new Map<string, Record<string, unknown>>();
    for (const [path, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
      const parts = path.split('/');
      for (let depth = 1; depth < parts.length; depth++) {
        const folder = parts.slice(0, depth).join('/');
        if (!entries.has(folder)) entries.set(folder, { path: folder, mode: '040000', type: 'tree', sha: sha(folder) });
      }
      entries.set(path, { path, mode: '100644', type: 'blob', sha: sha(text), size: Buffer.byteLength(text) });
    }
    let listed = [...entries.values()].filter((entry) => recursive || !String(entry.path).includes('/'));
    const truncated = repository.treeLimit !== undefined && listed.length > repository.treeLimit;
    if (truncated) listed = listed.slice(0, repository.treeLimit);
    const base = `${fake.url}/repos/${repository.owner}/${repository.name}/git`;
    return {
      status: 200,
      body: {
        sha: sha(ref),
        url: `${base}/trees/${sha(ref)}`,
        tree: listed.map((entry) => ({
          ...entry,
          url: `${base}/${entry.type === 'tree' ? 'trees' : 'blobs'}/${String(entry.sha)}`,
        })),
        truncated,
      },
    };
  }

  function contents(repository: FakeRepository | undefined, path: string): RestAnswer {
    const text = repository?.files?.[path];
    if (typeof text !== 'string') return NOT_FOUND;
    return {
      status: 200,
      body: { type: 'file', path, encoding: 'base64', content: Buffer.from(text).toString('base64') },
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://fake');
    // GitHub Enterprise Server's layout (GHE_HOST): the REST API under /api/v3, GraphQL at /api/graphql.
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql');
    const method = request.method ?? 'GET';
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    const recorded: FakeRequest = { method, path };
    const isGraphql = path === '/graphql' && method === 'POST';
    if (isGraphql && body) {
      recorded.operation = /(?:query|mutation)\s+(\w+)/.exec(String(body.query))?.[1];
      recorded.variables = (body.variables as Record<string, unknown>) ?? {};
    }
    fake.requests.push(recorded);
    if (fake.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs));

    const fault = faults.find((candidate) => candidate.left > 0 && candidate.match(recorded));
    if (fault) {
      fault.left--;
      if ('hang' in fault.answer) {
        hanging.add(response);
        return;
      }
      response.writeHead(fault.answer.status, { 'content-type': 'application/json', ...fault.answer.headers });
      response.end(JSON.stringify(fault.answer.body ?? { message: 'injected fault' }));
      return;
    }
    let answer = isGraphql ? graphql(body, recorded.operation) : routeRest(method, path, url.searchParams, body);
    if (!answer) {
      fake.unknownRoutes.push(recorded);
      answer = NOT_FOUND;
    }
    const quota = fake.graphqlQuota;
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      ...(isGraphql
        ? {
            'x-ratelimit-limit': String(quota.limit),
            'x-ratelimit-remaining': String(Math.max(0, quota.limit - quota.used)),
            'x-ratelimit-used': String(quota.used),
            'x-ratelimit-reset': String(Math.floor(quota.resetAt / 1000)),
            'x-ratelimit-resource': 'graphql',
          }
        : {
            'x-ratelimit-limit': '5000',
            'x-ratelimit-remaining': '4999',
            'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
          }),
      ...answer.headers,
    });
    response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `fake GitHub failed: ${String(error)}` }));
    });
  });
  const listening = await listenOnLoopback(server);
  fake.url = listening.url;
  return fake;
}
