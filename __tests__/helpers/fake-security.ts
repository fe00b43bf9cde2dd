/**
 * REST data of the fake GitHub for security alerts, deployments and environments, built from the examples of
 * GitHub's OpenAPI description (the REST answers themselves) and served with fake.route() on GitHub's own
 * templates: organization-wide and per-repository alert lists with GitHub's filters and Link-header paging
 * (Dependabot pages with an `after` cursor, the others with `page`), single alerts, deployments and environments.
 * `refuse()` makes a list answer 403 or 404 as GitHub does when a feature is off.
 */
import { createRequire } from 'node:module';
import type { FakeGithub, FakeRepository, RestAnswer, RestRequest } from './fake-github.ts';

const examples = (
  createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as {
    components: { examples: Record<string, { value: unknown }> };
  }
).components.examples;

/** A REST answer of GitHub's OpenAPI description (`dependabot-alert-open`), deep-copied. */
function restExample(name: string): Record<string, unknown> {
  const value = examples[name]?.value;
  if (!value) throw new Error(`no OpenAPI example ${name}`);
  return structuredClone((Array.isArray(value) ? value[0] : value) as Record<string, unknown>);
}

export type AlertKind = 'dependabot' | 'code-scanning' | 'secret-scanning';
type Listed = AlertKind | 'deployments' | 'environments';
type Item = Record<string, unknown>;

export interface FakeSecurity {
  /** `ecosystem`: its package's (default the example's, `pip`). */
  dependabotAlert(
    repository: FakeRepository,
    number: number,
    state: string,
    severity?: string,
    ecosystem?: string,
  ): Item;
  codeScanningAlert(repository: FakeRepository, number: number, state: string, severity?: string): Item;
  secretScanningAlert(repository: FakeRepository, number: number, state: string, secret?: string): Item;
  deployment(repository: FakeRepository, id: number, environment: string): Item;
  environment(repository: FakeRepository, name: string): Item;
  /** Removes an object (alerts by number, deployments by id, environments by name). */
  remove(kind: Listed, repository: FakeRepository, key: number | string): void;
  /** Lists of `kind` of `repository` (or of the organization `org`) answer `status`, as GitHub does. */
  refuse(kind: Listed, where: FakeRepository | string, status: 403 | 404, message: string): void;
  /** The requests each list was asked for (path and query). */
  listRequests: string[];
}

const SEVERITY_LEVEL: Record<string, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

export function fakeSecurity(github: FakeGithub): FakeSecurity {
  const data = new Map<string, { repository: FakeRepository; items: Item[] }>();
  const refusals = new Map<string, RestAnswer>();
  const listRequests: string[] = [];
  const keyOf = (kind: Listed, owner: string, name: string) => `${kind}:${owner}/${name}`.toLowerCase();
  const idOf = (kind: Listed, item: Item) =>
    kind === 'environments' ? item.name : kind === 'deployments' ? item.id : item.number;

  function add(kind: Listed, repository: FakeRepository, item: Item): Item {
    const key = keyOf(kind, repository.owner, repository.name);
    const entry = data.get(key) ?? { repository, items: [] };
    entry.items = entry.items.filter((existing) => idOf(kind, existing) !== idOf(kind, item));
    entry.items.push(item);
    data.set(key, entry);
    return item;
  }

  const urls = (repository: FakeRepository, path: string) => ({
    url: `https://api.github.com/repos/${repository.owner}/${repository.name}/${path}`,
    html_url: `https://github.com/${repository.owner}/${repository.name}/security/${path.replace('/alerts', '')}`,
  });

  /** The repository as an organization's alert list names it (GitHub's simple repository). */
  function simpleRepository(repository: FakeRepository): Item {
    const example = restExample('organization-secret-scanning-alert-list').repository as Item;
    return {
      ...example,
      id: repository.id,
      node_id: `R_${repository.id}`,
      name: repository.name,
      full_name: `${repository.owner}/${repository.name}`,
      owner: { ...(example.owner as Item), login: repository.owner },
      private: repository.private ?? false,
      html_url: `https://github.com/${repository.owner}/${repository.name}`,
    };
  }

  function filtered(kind: AlertKind, items: Item[], query: URLSearchParams): Item[] {
    const states = query.get('state')?.split(',');
    const severities = query.get('severity')?.split(',');
    const ecosystems = query.get('ecosystem')?.split(',');
    return items.filter((item) => {
      const dependency = item.dependency as { package?: { ecosystem?: string } } | undefined;
      if (ecosystems && !ecosystems.includes(dependency?.package?.ecosystem ?? '')) return false;
      const state = item.state as string;
      if (states && !states.some((wanted) => wanted === state || (wanted === 'closed' && state !== 'open'))) {
        return false;
      }
      if (!severities) return true;
      const rule = item.rule as Item | undefined;
      const advisory = item.security_advisory as Item | undefined;
      const severity = kind === 'dependabot' ? [advisory?.severity] : [rule?.severity, rule?.security_severity_level];
      return severity.some((value) => severities.includes(value as string));
    });
  }

  /** A page of `items` and GitHub's Link header to the next one (`after` cursors or `page` numbers). */
  function page(request: RestRequest, items: Item[], cursor: 'after' | 'page', wrap?: (items: Item[]) => unknown) {
    listRequests.push(`${request.path}?${request.query.toString()}`);
    const perPage = Math.min(Number(request.query.get('per_page') ?? 30), 100);
    const start =
      cursor === 'after'
        ? Number(Buffer.from(request.query.get('after') ?? 'MA==', 'base64').toString())
        : (Number(request.query.get('page') ?? 1) - 1) * perPage;
    const slice = items.slice(start, start + perPage);
    const headers: Record<string, string> = {};
    if (start + perPage < items.length) {
      const next = new URLSearchParams(request.query);
      if (cursor === 'after') next.set('after', Buffer.from(String(start + perPage)).toString('base64'));
      else next.set('page', String(start / perPage + 2));
      headers.link = `<${github.url}${request.path}?${next.toString()}>; rel="next"`;
    }
    return { status: 200, headers, body: wrap ? wrap(slice) : slice };
  }

  function refusal(kind: Listed, where: string): RestAnswer | undefined {
    return refusals.get(`${kind}:${where}`.toLowerCase());
  }

  for (const kind of ['dependabot', 'code-scanning', 'secret-scanning'] as const) {
    const cursor = kind === 'dependabot' ? 'after' : 'page';
    const hide = (item: Item, query: URLSearchParams) => {
      if (kind !== 'secret-scanning' || query.get('hide_secret') !== 'true') return item;
      const { secret: _secret, ...rest } = item;
      return rest;
    };
    github.route('GET', `/orgs/{org}/${kind}/alerts`, (request) => {
      const refused = refusal(kind, request.params.org!);
      if (refused) return refused;
      const items = [...data.entries()]
        .filter(([key]) => key.startsWith(`${kind}:${request.params.org!.toLowerCase()}/`))
        .flatMap(([, entry]) =>
          entry.items.map((item) => hide({ ...item, repository: simpleRepository(entry.repository) }, request.query)),
        );
      return page(request, filtered(kind, items, request.query), cursor);
    });
    github.route('GET', `/repos/{owner}/{repo}/${kind}/alerts`, (request) => {
      const refused = refusal(kind, `${request.params.owner}/${request.params.repo}`);
      if (refused) return refused;
      const items = data.get(keyOf(kind, request.params.owner!, request.params.repo!))?.items ?? [];
      const listed = filtered(kind, items, request.query).map((item) => hide(item, request.query));
      return page(request, listed, cursor);
    });
    github.route('GET', `/repos/{owner}/{repo}/${kind}/alerts/{alert_number}`, (request) => {
      const items = data.get(keyOf(kind, request.params.owner!, request.params.repo!))?.items ?? [];
      const found = items.find((item) => String(item.number) === request.params.alert_number);
      return found
        ? { status: 200, body: hide(found, request.query) }
        : { status: 404, body: { message: 'Not Found' } };
    });
  }
  const single = (kind: 'deployments' | 'environments', parameter: string) => (request: RestRequest) => {
    const items = data.get(keyOf(kind, request.params.owner!, request.params.repo!))?.items ?? [];
    const found = items.find((item) => String(idOf(kind, item)) === request.params[parameter]);
    return found ? { status: 200, body: found } : { status: 404, body: { message: 'Not Found' } };
  };
  for (const kind of ['deployments', 'environments'] as const) {
    github.route('GET', `/repos/{owner}/{repo}/${kind}`, (request) => {
      const refused = refusal(kind, `${request.params.owner}/${request.params.repo}`);
      if (refused) return refused;
      const items = data.get(keyOf(kind, request.params.owner!, request.params.repo!))?.items ?? [];
      const wrap =
        kind === 'environments' ? (slice: Item[]) => ({ total_count: items.length, environments: slice }) : undefined;
      return page(request, items, 'page', wrap);
    });
  }
  github.route('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}', single('deployments', 'deployment_id'));
  github.route(
    'GET',
    '/repos/{owner}/{repo}/environments/{environment_name}',
    single('environments', 'environment_name'),
  );

  return {
    listRequests,
    dependabotAlert(repository, number, state, severity = 'high', ecosystem) {
      const alert = restExample('dependabot-alert-open');
      const advisory = { ...(alert.security_advisory as Item), severity };
      const dependency = alert.dependency as Item & { package: Item };
      const vulnerability = alert.security_vulnerability as Item & { package: Item };
      return add('dependabot', repository, {
        ...alert,
        ...urls(repository, `dependabot/alerts/${number}`),
        number,
        state,
        ...(ecosystem !== undefined && {
          dependency: { ...dependency, package: { ...dependency.package, ecosystem } },
        }),
        security_advisory: advisory,
        security_vulnerability: {
          ...vulnerability,
          severity,
          ...(ecosystem !== undefined && { package: { ...vulnerability.package, ecosystem } }),
        },
      });
    },
    codeScanningAlert(repository, number, state, severity = 'high') {
      const alert = restExample('code-scanning-alert');
      const rule = { ...(alert.rule as Item), security_severity_level: severity, severity: SEVERITY_LEVEL[severity] };
      return add('code-scanning', repository, {
        ...alert,
        ...urls(repository, `code-scanning/alerts/${number}`),
        number,
        state,
        rule,
      });
    },
    secretScanningAlert(repository, number, state, secret = `ghp_secret${number}`) {
      const { repository: _repository, ...alert } = restExample('organization-secret-scanning-alert-list');
      return add('secret-scanning', repository, {
        ...alert,
        ...urls(repository, `secret-scanning/alerts/${number}`),
        number,
        state,
        resolution: state === 'resolved' ? 'revoked' : null,
        secret,
      });
    },
    deployment(repository, id, environment) {
      return add('deployments', repository, {
        ...restExample('deployment'),
        url: `https://api.github.com/repos/${repository.owner}/${repository.name}/deployments/${id}`,
        id,
        environment,
        original_environment: environment,
      });
    },
    environment(repository, name) {
      return add('environments', repository, {
        ...restExample('environment'),
        name,
        url: `https://api.github.com/repos/${repository.owner}/${repository.name}/environments/${name}`,
        html_url: `https://github.com/${repository.owner}/${repository.name}/deployments/activity_log?environments_filter=${name}`,
      });
    },
    remove(kind, repository, key) {
      const entry = data.get(keyOf(kind, repository.owner, repository.name));
      if (entry) entry.items = entry.items.filter((item) => idOf(kind, item) !== key);
    },
    refuse(kind, where, status, message) {
      const place = typeof where === 'string' ? where : `${where.owner}/${where.name}`;
      refusals.set(`${kind}:${place}`.toLowerCase(), { status, body: { message } });
    },
  };
}
