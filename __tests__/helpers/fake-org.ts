/**
 * Data for the fake GitHub's organizations: the REST answers of an organization and of GitHub Actions (workflows,
 * runs) built from the examples of GitHub's OpenAPI description, and GraphQL teams and members for
 * setOwnerGraphql. Served with fake.route() on GitHub's own templates.
 */
import { createRequire } from 'node:module';
import type { FakeGithub, RestAnswer } from './fake-github.ts';

const require = createRequire(import.meta.url);
const openApi = require('@octokit/openapi/generated/api.github.com.json') as {
  components: { examples: Record<string, { value: unknown }> };
};

/** An example answer of GitHub's OpenAPI description (`organization-full`, `workflow-run`), deep-copied. */
export function openApiExample<T = Record<string, unknown>>(name: string): T {
  const example = openApi.components.examples[name];
  if (!example) throw new Error(`GitHub's OpenAPI description has no example ${name}`);
  return structuredClone(example.value) as T;
}

export interface FakeActions {
  workflows: Array<Record<string, unknown> & { id: number }>;
  /** Newest first, as GitHub lists them. */
  runs: Array<Record<string, unknown> & { id: number; workflow_id: number }>;
}

export interface FakeOrgData {
  /** Fields over the `organization-full` example, by owner login (lowercase); unset: the owner's defaults. */
  organizations: Map<string, Record<string, unknown>>;
  /** By `owner/repo` (lowercase). */
  actions: Map<string, FakeActions>;
}

/** A page of `items` as GitHub pages REST lists (`per_page`, `page`, a Link header to the next page). */
function listPage(
  github: FakeGithub,
  path: string,
  query: URLSearchParams,
  items: readonly unknown[],
  key: string,
): RestAnswer {
  const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
  const page = Number(query.get('page') ?? 1);
  const body = { total_count: items.length, [key]: items.slice((page - 1) * perPage, page * perPage) };
  const headers: Record<string, string> = {};
  if (page * perPage < items.length) {
    const next = new URLSearchParams(query);
    next.set('page', String(page + 1));
    headers.link = `<${github.url}${path}?${next}>; rel="next"`;
  }
  return { status: 200, headers, body };
}

const NOT_FOUND: RestAnswer = { status: 404, body: { message: 'Not Found' } };

/** Adds the routes of organizations and Actions to `github`; the data they serve is the returned object's. */
export function serveOrgData(github: FakeGithub): FakeOrgData {
  const data: FakeOrgData = { organizations: new Map(), actions: new Map() };
  github.route('GET', '/orgs/{org}', ({ params }) => {
    const fields = data.organizations.get(params.org!.toLowerCase());
    if (!fields) return NOT_FOUND;
    return { status: 200, body: { ...openApiExample<object>('organization-full'), ...fields } };
  });
  github.route('GET', '/users/{username}', ({ params }) => {
    const fields = data.organizations.get(params.username!.toLowerCase());
    if (!fields) return NOT_FOUND;
    return { status: 200, body: { ...openApiExample<object>('public-user-default-response'), ...fields } };
  });
  const actionsOf = (params: Record<string, string>) =>
    data.actions.get(`${params.owner}/${params.repo}`.toLowerCase());
  github.route('GET', '/repos/{owner}/{repo}/actions/workflows', ({ path, params, query }) => {
    const actions = actionsOf(params);
    return actions ? listPage(github, path, query, actions.workflows, 'workflows') : NOT_FOUND;
  });
  github.route('GET', '/repos/{owner}/{repo}/actions/runs', ({ path, params, query }) => {
    const actions = actionsOf(params);
    return actions ? listPage(github, path, query, actions.runs, 'workflow_runs') : NOT_FOUND;
  });
  github.route('GET', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', ({ path, params, query }) => {
    const actions = actionsOf(params);
    if (!actions) return NOT_FOUND;
    const runs = actions.runs.filter((run) => String(run.workflow_id) === params.workflow_id);
    return listPage(github, path, query, runs, 'workflow_runs');
  });
  return data;
}

/** A workflow of `owner/repo`, as GitHub's REST answers it (its OpenAPI example with these fields). */
export function restWorkflow(owner: string, repo: string, id: number, name: string): FakeActions['workflows'][number] {
  const path = `.github/workflows/${name.toLowerCase().replace(/\W+/g, '-')}.yml`;
  return {
    ...openApiExample('workflow'),
    id,
    node_id: `W_${id}`,
    name,
    path,
    html_url: `https://github.com/${owner}/${repo}/blob/main/${path}`,
  };
}

/** A run of `workflow`, as GitHub's REST answers it (its OpenAPI example with these fields). */
export function restRun(
  owner: string,
  repo: { id: number; name: string },
  workflow: { id: number; name: string },
  id: number,
  fields: Record<string, unknown> = {},
): FakeActions['runs'][number] {
  const example = openApiExample('workflow-run');
  return {
    ...example,
    id,
    name: workflow.name,
    workflow_id: workflow.id,
    html_url: `https://github.com/${owner}/${repo.name}/actions/runs/${id}`,
    repository: {
      ...(example.repository as Record<string, unknown>),
      id: repo.id,
      name: repo.name,
      full_name: `${owner}/${repo.name}`,
    },
    ...fields,
  };
}

/** A GraphQL User (as `membersWithRole` and `members` nodes). */
export function graphqlUser(login: string, databaseId: number, fields: Record<string, unknown> = {}) {
  return {
    __typename: 'User',
    id: `U_${databaseId}`,
    databaseId,
    login,
    name: login.replace(/-/g, ' '),
    email: `${login}@example.com`,
    isSiteAdmin: false,
    url: `https://github.com/${login}`,
    ...fields,
  };
}

/** A GraphQL Team of `org` with `members`. */
export function graphqlTeam(
  org: string,
  databaseId: number,
  slug: string,
  members: ReadonlyArray<ReturnType<typeof graphqlUser>>,
  fields: Record<string, unknown> = {},
) {
  return {
    __typename: 'Team',
    id: `T_${databaseId}`,
    databaseId,
    slug,
    name: slug.replace(/-/g, ' '),
    description: `The ${slug} team`,
    privacy: 'VISIBLE',
    notificationSetting: 'NOTIFICATIONS_ENABLED',
    url: `https://github.com/orgs/${org}/teams/${slug}`,
    parentTeam: null,
    members: [...members],
    ...fields,
  };
}
