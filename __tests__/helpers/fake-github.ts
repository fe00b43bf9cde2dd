/**
 * A small local GitHub for catalog sync's tests and benchmark: the App's REST routes the sync uses (installation
 * tokens and lookups, check runs, pull request files, git trees, comparisons of two commits, and for the REST
 * comparison repository lists, READMEs and contents) and the GraphQL queries of app/sync/github (pages of
 * repositories with `object(expression:)` file aliases, named repositories, rateLimit). It does not parse GraphQL:
 * it recognizes those queries by their operation names and their file aliases, and answers each repository with
 * every field the queries ask for. Pass its url to Probot as `baseUrl` (createTestProbot({ baseUrl })), or as
 * GHE_HOST with GHE_PROTOCOL=http.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './open-resources.ts';

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

export interface FakeGithub {
  url: string;
  /** Added to every answer, as the network and GitHub would. */
  latencyMs: number;
  requests: FakeRequest[];
  checkRuns: CheckRunRecord[];
  addInstallation(owner: string, installationId: number, type?: 'Organization' | 'User'): void;
  addRepository(repository: FakeRepository): FakeRepository;
  repository(owner: string, name: string): FakeRepository;
  removeRepository(owner: string, name: string): void;
  /** Sets (text) or removes (null) a file on the default branch. */
  setFile(owner: string, name: string, path: string, text: string | null): void;
  fault(fault: FakeFault): void;
  /** The `after` cursor of each repository page requested, in order. */
  pageCursors(): Array<string | null>;
  reset(): void;
  close(): Promise<void>;
}

const OWNER_IDS = new Map<string, number>();
const cursorOf = (index: number): string => Buffer.from(`cursor:${index}`).toString('base64');
const indexOf = (cursor: string | null | undefined): number =>
  cursor ? Number(Buffer.from(cursor, 'base64').toString().slice('cursor:'.length)) : -1;

export async function startFakeGithub(options: { latencyMs?: number } = {}): Promise<FakeGithub> {
  const owners = new Map<string, { installationId: number; type: string; repositories: Map<string, FakeRepository> }>();
  let faults: Array<FakeFault & { left: number }> = [];
  const hanging = new Set<ServerResponse>();

  const ownerOf = (login: string) => owners.get(login.toLowerCase());
  const find = (owner: string, name: string): FakeRepository | undefined =>
    ownerOf(owner)?.repositories.get(name.toLowerCase());

  const fake: FakeGithub = {
    url: '',
    latencyMs: options.latencyMs ?? 0,
    requests: [],
    checkRuns: [],
    addInstallation(owner, installationId, type = 'Organization') {
      if (!OWNER_IDS.has(owner)) OWNER_IDS.set(owner, 9000 + OWNER_IDS.size);
      owners.set(owner.toLowerCase(), { installationId, type, repositories: new Map() });
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
      faults = [];
    },
    async close() {
      for (const response of hanging) response.destroy();
      await listening.close();
    },
  };

  function blob(repository: FakeRepository, expression: string): { text: string } | null {
    const colon = expression.indexOf(':');
    const ref = expression.slice(0, colon);
    const path = expression.slice(colon + 1);
    const atCommit = ref === 'HEAD' ? undefined : repository.commits?.[ref];
    const text = atCommit && path in atCommit ? atCommit[path] : repository.files?.[path];
    return typeof text === 'string' ? { text } : null;
  }

  /** The default branch's commit: an id of its files (it changes with them), null without a file (no commit). */
  function headCommit(repository: FakeRepository): { oid: string } | null {
    const files = Object.entries(repository.files ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (files.length === 0) return null;
    return { oid: createHash('sha1').update(JSON.stringify(files)).digest('hex') };
  }

  function node(repository: FakeRepository): Record<string, unknown> {
    const owner = ownerOf(repository.owner)!;
    const login = repository.owner;
    const visibility = repository.visibility ?? (repository.private ? 'private' : 'public');
    return {
      id: `R_${repository.id}`,
      databaseId: repository.id,
      name: repository.name,
      nameWithOwner: `${login}/${repository.name}`,
      url: `https://github.com/${login}/${repository.name}`,
      description: repository.description ?? null,
      homepageUrl: null,
      isPrivate: visibility !== 'public',
      visibility: visibility.toUpperCase(),
      isArchived: repository.archived ?? false,
      isDisabled: false,
      isFork: false,
      isTemplate: false,
      mirrorUrl: null,
      createdAt: '2024-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
      pushedAt: repository.pushedAt ?? '2025-06-01T12:00:00Z',
      diskUsage: 100,
      stargazerCount: 3,
      forkCount: 1,
      hasIssuesEnabled: true,
      hasWikiEnabled: false,
      hasProjectsEnabled: false,
      hasDiscussionsEnabled: false,
      primaryLanguage: repository.language ? { name: repository.language } : null,
      defaultBranchRef: { name: repository.defaultBranch ?? 'main', target: headCommit(repository) },
      licenseInfo: null,
      repositoryTopics: { nodes: (repository.topics ?? []).map((name) => ({ topic: { name } })) },
      owner: {
        __typename: owner.type,
        id: `O_${OWNER_IDS.get(login)}`,
        login,
        url: `https://github.com/${login}`,
        databaseId: OWNER_IDS.get(login),
      },
    };
  }

  /** A repository as the REST API lists it. */
  function rest(repository: FakeRepository): Record<string, unknown> {
    const n = node(repository);
    return {
      id: repository.id,
      node_id: n.id,
      name: repository.name,
      full_name: n.nameWithOwner,
      owner: { login: repository.owner, id: OWNER_IDS.get(repository.owner), type: ownerOf(repository.owner)!.type },
      private: n.isPrivate,
      visibility: (n.visibility as string).toLowerCase(),
      html_url: n.url,
      description: n.description,
      language: repository.language ?? null,
      topics: repository.topics ?? [],
      archived: n.isArchived,
      default_branch: repository.defaultBranch ?? 'main',
      pushed_at: n.pushedAt,
    };
  }

  /** `alias: object(expression: $variable)` pairs of a query. */
  function fileAliases(query: string): Array<{ alias: string; variable: string }> {
    return [...query.matchAll(/(\w+): object\(expression: \$(\w+)\)/g)].map((match) => ({
      alias: match[1]!,
      variable: match[2]!,
    }));
  }

  /** The text from `start` to the brace that closes the block opened just before it. */
  function blockAt(query: string, start: number): string {
    let depth = 1;
    for (let index = start; index < query.length; index++) {
      if (query[index] === '{') depth++;
      else if (query[index] === '}' && --depth === 0) return query.slice(start, index);
    }
    return query.slice(start);
  }

  const rateLimit = () => ({ cost: 1, remaining: 4999, resetAt: new Date(Date.now() + 3600_000).toISOString() });

  function graphql(query: string, variables: Record<string, unknown>): { status: number; body: unknown } {
    const operation = /query (\w+)/.exec(query)?.[1];
    const aliases = fileAliases(query);
    if (operation === 'WharfRepositoryPage') {
      const owner = ownerOf(String(variables.owner));
      if (!owner) {
        return {
          status: 200,
          body: {
            data: { rateLimit: rateLimit(), repositoryOwner: null },
            errors: [{ type: 'NOT_FOUND', path: ['repositoryOwner'], message: 'Could not resolve' }],
          },
        };
      }
      const sorted = [...owner.repositories.values()].sort((a, b) =>
        a.name.toLowerCase().localeCompare(b.name.toLowerCase()),
      );
      const start = indexOf(variables.after as string | null) + 1;
      const first = Number(variables.first);
      const slice = sorted.slice(start, start + first);
      const nodes = slice.map((repository) => {
        const answer = node(repository);
        for (const { alias, variable } of aliases) answer[alias] = blob(repository, String(variables[variable]));
        return answer;
      });
      const end = start + slice.length - 1;
      return {
        status: 200,
        body: {
          data: {
            rateLimit: rateLimit(),
            repositoryOwner: {
              repositories: {
                pageInfo: { hasNextPage: end < sorted.length - 1, endCursor: slice.length > 0 ? cursorOf(end) : null },
                nodes,
              },
            },
          },
        },
      };
    }
    if (operation === 'WharfRepositories') {
      const data: Record<string, unknown> = { rateLimit: rateLimit() };
      const errors: unknown[] = [];
      for (const match of query.matchAll(/(repo\d+): repository\(owner: \$(\w+), name: \$(\w+)\) \{/g)) {
        const [, alias, ownerVariable, nameVariable] = match;
        const body = blockAt(query, match.index + match[0].length);
        const repository = find(String(variables[ownerVariable!]), String(variables[nameVariable!]));
        if (!repository) {
          data[alias!] = null;
          errors.push({ type: 'NOT_FOUND', path: [alias], message: `Could not resolve to a Repository` });
          continue;
        }
        const answer: Record<string, unknown> = body.includes('...WharfRepository')
          ? node(repository)
          : { id: `R_${repository.id}` };
        for (const { alias: fileAlias, variable } of fileAliases(body)) {
          answer[fileAlias] = blob(repository, String(variables[variable]));
        }
        data[alias!] = answer;
      }
      return { status: 200, body: errors.length > 0 ? { data, errors } : { data } };
    }
    return {
      status: 400,
      body: { message: `the fake GitHub does not know the query ${operation ?? query.slice(0, 40)}` },
    };
  }

  function routeRest(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): { status: number; body?: unknown } {
    let match: RegExpExecArray | null;
    if (method === 'POST' && (match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path))) {
      return {
        status: 201,
        body: { token: `ghs_fake_${match[1]}`, expires_at: new Date(Date.now() + 3600_000).toISOString() },
      };
    }
    if (method === 'GET' && path === '/app') return { status: 200, body: { id: 123, slug: 'wharf' } };
    if (method === 'GET' && path === '/app/installations') {
      return {
        status: 200,
        body: [...owners.entries()].map(([, owner]) => ({
          id: owner.installationId,
          account: { login: [...owners.keys()].find((key) => owners.get(key) === owner), type: owner.type },
        })),
      };
    }
    if (method === 'GET' && (match = /^\/(?:orgs|users)\/([^/]+)\/installation$/.exec(path))) {
      const owner = ownerOf(decodeURIComponent(match[1]!));
      return owner
        ? { status: 200, body: { id: owner.installationId } }
        : { status: 404, body: { message: 'Not Found' } };
    }
    if (method === 'POST' && (match = /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/.exec(path))) {
      fake.checkRuns.push({ owner: match[1]!, repo: match[2]!, body: body as CheckRunRecord['body'] });
      return { status: 201, body: { id: fake.checkRuns.length } };
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/.exec(path))) {
      const repository = find(match[1]!, match[2]!);
      const files = repository?.pullFiles?.[Number(match[3])] ?? [];
      return { status: 200, body: files };
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)$/.exec(path))) {
      return compare(find(match[1]!, match[2]!), decodeURIComponent(match[3]!), query);
    }
    if (method === 'GET' && (match = /^\/(?:orgs|users)\/([^/]+)\/repos$/.exec(path))) {
      const owner = ownerOf(decodeURIComponent(match[1]!));
      if (!owner) return { status: 404, body: { message: 'Not Found' } };
      const perPage = Number(query.get('per_page') ?? 30);
      const page = Number(query.get('page') ?? 1);
      const sorted = [...owner.repositories.values()].sort((a, b) => a.name.localeCompare(b.name));
      return { status: 200, body: sorted.slice((page - 1) * perPage, page * perPage).map(rest) };
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/([^/]+)$/.exec(path))) {
      return tree(find(match[1]!, match[2]!), decodeURIComponent(match[3]!), query.has('recursive'));
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/readme$/.exec(path))) {
      return contents(find(match[1]!, match[2]!), 'README.md');
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path))) {
      return contents(find(match[1]!, match[2]!), decodeURIComponent(match[3]!));
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path))) {
      const repository = find(match[1]!, match[2]!);
      return repository ? { status: 200, body: rest(repository) } : { status: 404, body: { message: 'Not Found' } };
    }
    return { status: 404, body: { message: `the fake GitHub has no ${method} ${path}` } };
  }

  /**
   * A comparison as GitHub answers it: without paging, the last 250 commits; with per_page or page, that page of
   * the commits, and the files (up to 300 for the whole comparison) on the first page only.
   */
  function compare(
    repository: FakeRepository | undefined,
    basehead: string,
    query: URLSearchParams,
  ): { status: number; body: unknown } {
    const comparison = repository?.comparisons?.[basehead];
    if (!repository || !comparison) return { status: 404, body: { message: 'Not Found' } };
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
  function tree(
    repository: FakeRepository | undefined,
    ref: string,
    recursive: boolean,
  ): { status: number; body: unknown } {
    if (!repository) return { status: 404, body: { message: 'Not Found' } };
    const files = { ...repository.files };
    if (ref !== 'HEAD' && ref !== (repository.defaultBranch ?? 'main')) {
      const commit = repository.commits?.[ref];
      if (!commit) return { status: 404, body: { message: 'Not Found' } };
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

  function contents(repository: FakeRepository | undefined, path: string): { status: number; body: unknown } {
    const text = repository?.files?.[path];
    if (typeof text !== 'string') return { status: 404, body: { message: 'Not Found' } };
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
    if (path === '/graphql' && body) {
      recorded.operation = /query (\w+)/.exec(String(body.query))?.[1];
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
    const answer =
      path === '/graphql' && method === 'POST'
        ? graphql(String(body?.query ?? ''), (body?.variables as Record<string, unknown>) ?? {})
        : routeRest(method, path, url.searchParams, body);
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
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
