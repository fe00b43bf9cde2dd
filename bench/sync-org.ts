/**
 * The organization of the catalog-sync benchmark (issue 12), in the fake GitHub: 10,000 repositories, 1,000 of them
 * with 20 open pull requests and 20 open issues each, 100 teams of 20 members, 5,000 open Dependabot alerts (one on
 * every other repository), and the organization's `.github` repository holding its `port-app-config.yml`.
 *
 * Generation is lazy where it can be: pull requests, issues and alerts are built when a request asks for them
 * (GraphQL data as functions of the field's arguments, REST routes), so that the fake, which runs in the bench's
 * process, holds little more than the repositories themselves. The same objects answer GraphQL (as GitHub's schema
 * has them) and REST (for the REST way of the same sync, and for a kind that reads REST).
 */
import type { FakeGithub, FakeRepository, RestAnswer, RestRequest } from '../__tests__/helpers/fake-github.ts';
import { fakeIssue, fakePullRequest } from '../__tests__/helpers/fake-git-objects.ts';
import { graphqlTeam, graphqlUser, openApiExample } from '../__tests__/helpers/fake-org.ts';

export interface OrganizationShape {
  repositories: number;
  /** Repositories with pull requests and issues: every (repositories / active)-th one. */
  active: number;
  pullsPerRepository: number;
  issuesPerRepository: number;
  teams: number;
  membersPerTeam: number;
  /** Open Dependabot alerts, one per repository on every (repositories / alerts)-th one. */
  alerts: number;
}

export const ISSUE_12_SHAPE: OrganizationShape = {
  repositories: 10_000,
  active: 1_000,
  pullsPerRepository: 20,
  issuesPerRepository: 20,
  teams: 100,
  membersPerTeam: 20,
  alerts: 5_000,
};

export interface BenchOrganization {
  owner: string;
  shape: OrganizationShape;
  /** The service repositories, in index order (the `.github` repository is not among them). */
  repositories: FakeRepository[];
  /** What a full sync of this configuration writes, by blueprint. */
  expected: Record<string, number>;
  /** The kinds of the configuration in force, in file order (set with it). */
  kinds: string[];
  /** Sets the organization's port-app-config.yml (in its `.github` repository). */
  setConfig(text: string): void;
}

const ORGANIZATION_ID = 424_242;
const REPOSITORY_ID_BASE = 100_000;
const USER_ID_BASE = 5_000_000;
const TEAM_ID_BASE = 700_000;
/** A fixed "now" for the data: updated dates stay within the pull-request kind's 60-day `since`. */
const NOW = Date.now();
const hoursAgo = (hours: number) => new Date(NOW - hours * 3600_000).toISOString();

const repositoryName = (index: number) => `service-${String(index).padStart(5, '0')}`;

interface User {
  login: string;
  /** As GraphQL's members and team members are (the shared builder of the fake GitHub's organization data). */
  graphql: ReturnType<typeof graphqlUser>;
  /** As REST lists a user. */
  rest: Record<string, unknown>;
}

function makeUser(index: number): User {
  const login = `dev-${String(index).padStart(4, '0')}`;
  const id = USER_ID_BASE + index;
  return {
    login,
    graphql: graphqlUser(login, id),
    rest: {
      login,
      id,
      node_id: `U_${id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
      html_url: `https://github.com/${login}`,
      type: 'User',
      site_admin: false,
    },
  };
}

/**
 * Builds the organization in `github` (with its installation already added). Repositories are added in index
 * order; the configuration is set with `setConfig`.
 */
export function addBenchOrganization(github: FakeGithub, owner: string, shape = ISSUE_12_SHAPE): BenchOrganization {
  const users = Array.from({ length: shape.teams * shape.membersPerTeam }, (_, index) => makeUser(index));
  const usersByLogin = new Map(users.map((user) => [user.login, user]));
  const activeEvery = Math.max(1, Math.floor(shape.repositories / shape.active));
  const alertEvery = Math.max(1, Math.floor(shape.repositories / shape.alerts));
  const isActive = (index: number) => index % activeEvery === 0 && index / activeEvery < shape.active;
  const hasAlert = (index: number) => index % alertEvery === 0 && index / alertEvery < shape.alerts;
  const apiUrl = () => `${github.url}/api/v3`;

  /** A repository as REST names it inside other objects (a pull request's `base.repo`, an alert's `repository`). */
  const restRepositoryOf = (index: number) => {
    const name = repositoryName(index);
    const id = REPOSITORY_ID_BASE + index;
    return {
      id,
      node_id: `R_${id}`,
      name,
      full_name: `${owner}/${name}`,
      owner: { login: owner, id: ORGANIZATION_ID, type: 'Organization' },
      private: false,
      html_url: `https://github.com/${owner}/${name}`,
      description: `The ${name} service`,
      fork: false,
      url: `${apiUrl()}/repos/${owner}/${name}`,
    };
  };

  // ---- pull requests and issues: GraphQL data from the shared builders (fake-git-objects.ts) ----

  const refOf = (index: number) => ({ owner, name: repositoryName(index), id: REPOSITORY_ID_BASE + index });
  const wantsOpen = (states: unknown) => !Array.isArray(states) || states.includes('OPEN');
  // Pull requests are numbered 1..n, issues after them (GitHub numbers both in one sequence); the newest update
  // first, as `orderBy: {field: UPDATED_AT, direction: DESC}` answers.
  const pullsOf = (index: number) =>
    Array.from({ length: shape.pullsPerRepository }, (_, n) =>
      fakePullRequest(refOf(index), n + 1, { updatedDaysAgo: 1 + n, draft: n % 5 === 4 }),
    );
  const issuesOf = (index: number) =>
    Array.from({ length: shape.issuesPerRepository }, (_, n) =>
      fakeIssue(refOf(index), shape.pullsPerRepository + n + 1),
    );

  // ---- repositories ----

  const repositories: FakeRepository[] = [];
  for (let index = 0; index < shape.repositories; index++) {
    const name = repositoryName(index);
    const team = `team-${String(index % shape.teams).padStart(3, '0')}`;
    const repository: FakeRepository = {
      id: REPOSITORY_ID_BASE + index,
      name,
      owner,
      language: ['Go', 'TypeScript', 'Python', 'Java'][index % 4]!,
      topics: [team],
      description: `The ${name} service`,
      files: {
        'README.md': `# ${name}\n\nThe ${name} service, owned by ${team}.\n`,
        '.github/CODEOWNERS': `* @${owner}/${team}\n`,
      },
    };
    if (isActive(index)) {
      repository.graphql = {
        pullRequests: ({ states }: { states?: unknown }) => (wantsOpen(states) ? pullsOf(index) : []),
        issues: ({ states, filterBy }: { states?: unknown; filterBy?: { states?: unknown } }) =>
          wantsOpen(states) && wantsOpen(filterBy?.states) ? issuesOf(index) : [],
      };
    }
    repositories.push(github.addRepository(repository));
  }
  const configRepository = github.addRepository({
    id: REPOSITORY_ID_BASE - 1,
    name: '.github',
    owner,
    description: 'Organization defaults',
    files: { 'README.md': '# .github\n' },
  });
  const indexOf = (name: string): number | undefined => {
    const match = /^service-(\d{5})$/.exec(name);
    return match && Number(match[1]) < shape.repositories ? Number(match[1]) : undefined;
  };

  // ---- teams and members ----

  const teamNodes = Array.from({ length: shape.teams }, (_, t) =>
    graphqlTeam(
      owner,
      TEAM_ID_BASE + t,
      `team-${String(t).padStart(3, '0')}`,
      users.slice(t * shape.membersPerTeam, (t + 1) * shape.membersPerTeam).map((user) => user.graphql),
    ),
  );
  github.setOwnerGraphql(owner, {
    databaseId: ORGANIZATION_ID,
    teams: teamNodes,
    team: ({ slug }: { slug: string }) => teamNodes.find((team) => team.slug === slug) ?? null,
    membersWithRole: users.map((user) => user.graphql),
  });

  // ---- REST: the lists the REST way reads (and a kind may) ----

  const page = <T>(items: T[], query: URLSearchParams, link: (page: number) => string): RestAnswer => {
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30)));
    const number = Math.max(1, Number(query.get('page') ?? 1));
    const slice = items.slice((number - 1) * perPage, number * perPage);
    const more = number * perPage < items.length;
    return { status: 200, body: slice, ...(more && { headers: { link: `<${link(number + 1)}>; rel="next"` } }) };
  };
  const withPage = (request: RestRequest, number: number) => {
    const query = new URLSearchParams(request.query);
    query.set('page', String(number));
    return `${apiUrl()}${request.path}?${query}`;
  };

  // REST lists of pull requests and issues: the same objects as the GraphQL data, in REST's names.
  type Node = Record<string, unknown> & { author: { login: string; databaseId: number } };
  const restUserOf = (node: { login: string; databaseId: number }) =>
    usersByLogin.get(node.login)?.rest ?? {
      login: node.login,
      id: node.databaseId,
      type: 'User',
      html_url: `https://github.com/${node.login}`,
    };
  const restLabels = (node: Node) =>
    (node.labels as Array<{ name: string; color: string }>).map(({ name, color }) => ({ name, color }));
  const restAssignees = (node: Node) =>
    (node.assignees as Array<{ login: string; databaseId: number }>).map(restUserOf);
  const restIssueFields = (node: Node) => ({
    id: Number(node.fullDatabaseId),
    node_id: node.id,
    number: node.number,
    title: node.title,
    user: restUserOf(node.author),
    labels: restLabels(node),
    state: String(node.state).toLowerCase(),
    locked: node.locked,
    assignee: restAssignees(node)[0] ?? null,
    assignees: restAssignees(node),
    milestone: null,
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    closed_at: node.closedAt,
    author_association: node.authorAssociation,
    body: node.body,
    html_url: node.url,
  });
  const restPull = (index: number, node: Node) => {
    const repo = restRepositoryOf(index);
    return {
      ...restIssueFields(node),
      url: `${repo.url}/pulls/${String(node.number)}`,
      merged_at: node.mergedAt,
      merge_commit_sha: null,
      requested_reviewers: [],
      requested_teams: [],
      head: { label: `${owner}:${String(node.headRefName)}`, ref: node.headRefName, sha: node.headRefOid, repo },
      base: { label: `${owner}:main`, ref: node.baseRefName, sha: node.baseRefOid, repo },
      draft: node.isDraft,
    };
  };

  /** A list of the `.github` repository (empty), or 404 for a repository the organization lacks. */
  const otherRepository = (request: RestRequest): RestAnswer =>
    request.params.repo === configRepository.name
      ? { status: 200, body: [] }
      : { status: 404, body: { message: 'Not Found' } };
  const openOnly = (query: URLSearchParams) => ['open', 'all', null].includes(query.get('state'));

  github.route('GET', '/repos/{owner}/{repo}/pulls', (request) => {
    const index = indexOf(request.params.repo!);
    if (index === undefined) return otherRepository(request);
    const pulls =
      isActive(index) && openOnly(request.query) ? pullsOf(index).map((node) => restPull(index, node as Node)) : [];
    return page(pulls, request.query, (number) => withPage(request, number));
  });
  github.route('GET', '/repos/{owner}/{repo}/issues', (request) => {
    const index = indexOf(request.params.repo!);
    if (index === undefined) return otherRepository(request);
    // GitHub's issue list holds the pull requests too, marked with `pull_request`.
    const items =
      isActive(index) && openOnly(request.query)
        ? [
            ...issuesOf(index).map((node) => restIssueFields(node as Node)),
            ...pullsOf(index).map((node) => ({
              ...restIssueFields(node as Node),
              pull_request: { url: `${restRepositoryOf(index).url}/pulls/${String(node.number)}` },
            })),
          ]
        : [];
    return page(items, request.query, (number) => withPage(request, number));
  });
  const restTeams = teamNodes.map((team) => ({
    id: team.databaseId,
    node_id: team.id,
    name: team.name,
    slug: team.slug,
    description: team.description,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    html_url: team.url,
    parent: null,
  }));
  github.route('GET', '/orgs/{org}/teams', (request) =>
    page(restTeams, request.query, (number) => withPage(request, number)),
  );
  github.route('GET', '/orgs/{org}/teams/{team_slug}/members', (request) => {
    const t = teamNodes.findIndex((team) => team.slug === request.params.team_slug);
    if (t < 0) return { status: 404, body: { message: 'Not Found' } };
    const members = users.slice(t * shape.membersPerTeam, (t + 1) * shape.membersPerTeam).map((user) => user.rest);
    return page(members, request.query, (number) => withPage(request, number));
  });
  github.route('GET', '/orgs/{org}/members', (request) =>
    page(
      users.map((user) => user.rest),
      request.query,
      (number) => withPage(request, number),
    ),
  );

  // ---- Dependabot alerts: the organization's list (cursor paging) and each repository's ----

  const SEVERITIES = ['low', 'medium', 'high', 'critical'];
  const alertRepositories = Array.from({ length: shape.alerts }, (_, a) => a * alertEvery);
  // GitHub's example of an organization's alert list (8.5 KB an alert, as GitHub's answers are), renumbered.
  const example = openApiExample<Array<Record<string, unknown>>>('dependabot-alerts-for-organization')[0]!;
  const alert = (index: number): Record<string, unknown> => {
    const repository = restRepositoryOf(index);
    const number = 1;
    const severity = SEVERITIES[index % SEVERITIES.length]!;
    const advisory = example.security_advisory as Record<string, unknown>;
    const vulnerability = example.security_vulnerability as Record<string, unknown>;
    return {
      ...example,
      number,
      state: 'open',
      security_advisory: { ...advisory, severity, summary: `${String(advisory.summary)} (${index})` },
      security_vulnerability: { ...vulnerability, severity },
      url: `${repository.url}/dependabot/alerts/${number}`,
      html_url: `${repository.html_url}/security/dependabot/${number}`,
      created_at: hoursAgo(index % 2000),
      updated_at: hoursAgo(index % 2000),
      fixed_at: null,
      dismissed_at: null,
      dismissed_by: null,
      dismissed_reason: null,
      dismissed_comment: null,
      repository: { ...(example.repository as Record<string, unknown>), ...repository },
    };
  };
  const listFilter = (query: URLSearchParams, name: string, value: string) => {
    const wanted = query.get(name);
    return !wanted || wanted.split(',').includes(value);
  };
  const dependency = example.dependency as { scope?: string; package?: { ecosystem?: string } };
  const alertTaken = (index: number, query: URLSearchParams) =>
    listFilter(query, 'state', 'open') &&
    listFilter(query, 'severity', SEVERITIES[index % SEVERITIES.length]!) &&
    listFilter(query, 'ecosystem', String(dependency.package?.ecosystem)) &&
    listFilter(query, 'scope', String(dependency.scope));
  const cursorOf = (position: number) => Buffer.from(`alert:${position}`).toString('base64url');
  const positionOf = (cursor: string | null) => {
    if (!cursor) return undefined;
    const text = Buffer.from(cursor, 'base64url').toString();
    return text.startsWith('alert:') ? Number(text.slice('alert:'.length)) : Number.NaN;
  };
  /** GitHub's cursor paging of alert lists: `per_page` (at most 100), `after`/`before`, the Link header's `after`. */
  const cursorPage = (request: RestRequest, indexes: number[]): RestAnswer => {
    const query = request.query;
    const perPage = Number(query.get('per_page') ?? 30);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      return { status: 422, body: { message: 'Validation Failed: per_page must be between 1 and 100' } };
    }
    const taken = indexes.filter((index) => alertTaken(index, query));
    const after = positionOf(query.get('after'));
    if (Number.isNaN(after)) return { status: 400, body: { message: 'Bad cursor' } };
    const start = after === undefined ? 0 : after + 1;
    const slice = taken.slice(start, start + perPage);
    const last = start + slice.length - 1;
    const headers: Record<string, string> = {};
    if (start + perPage < taken.length) {
      const next = new URLSearchParams(query);
      next.set('after', cursorOf(last));
      next.delete('page');
      headers.link = `<${apiUrl()}${request.path}?${next}>; rel="next"`;
    }
    return { status: 200, headers, body: slice.map(alert) };
  };
  github.route('GET', '/orgs/{org}/dependabot/alerts', (request) => cursorPage(request, alertRepositories));
  github.route('GET', '/repos/{owner}/{repo}/dependabot/alerts', (request) => {
    const index = indexOf(request.params.repo!);
    if (index === undefined) return otherRepository(request);
    return cursorPage(request, hasAlert(index) ? [index] : []);
  });

  const active = repositories.filter((_, index) => isActive(index)).length;
  return {
    owner,
    shape,
    repositories,
    expected: {
      // The `.github` repository is one of the organization's: it is mapped too.
      githubRepository: repositories.length + 1,
      githubPullRequest: active * shape.pullsPerRepository,
      githubIssue: active * shape.issuesPerRepository,
      githubTeam: shape.teams,
      githubUser: users.length,
      githubDependabotAlert: alertRepositories.length,
    },
    kinds: [],
    setConfig(text) {
      github.setFile(owner, configRepository.name, '.github/port-app-config.yml', text);
    },
  };
}
