/**
 * A repository resource's `include`, as the vendor's integration has it: the repository's collaborators, teams and
 * SBOM added to the object its jq sees (`__collaborators`, `__teams`, `__sbom`), read over REST once per repository
 * and include (and per further page) in resyncs and on live `repository` deliveries, counted in the resync's GitHub
 * usage; a read GitHub refuses is an error of the page that keeps what the resource produced there before.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { parsePortAppConfig } from '../../../app/sync/mapping/index.ts';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import { releaseGithub } from '../../helpers/github-app.ts';
import {
  deliverSettled,
  entity,
  identifiers,
  repositoryEvent,
  resyncOwner,
  startSyncCatalog,
  stringBlueprint,
} from './sync-helpers.ts';

const ORG = 'incl-org';
const INSTALLATION = 9200;

const CONFIG = `
resources:
  - kind: repository
    selector:
      query: .name | startswith(".") | not
      include: [collaborators, teams, sbom]
    port:
      entity:
        mappings:
          identifier: .name
          title: .name
          blueprint: '"includedRepository"'
          properties:
            collaborators: '[.__collaborators[].login] | join(",")'
            collaboratorCount: .__collaborators | length | tostring
            teams: '[.__teams[].slug] | join(",")'
            sbom: .__sbom.SPDXID
  - kind: repository
    selector:
      query: .name | startswith(".") | not
      include: sbom
    port:
      itemsToParse: .__sbom.packages
      entity:
        mappings:
          identifier: .name + "-" + .item.name
          title: .item.name
          blueprint: '"sbomPackage"'
          properties:
            version: .item.versionInfo
            repository: .name
  - kind: repository
    selector:
      query: .name | startswith(".") | not
    port:
      entity:
        mappings:
          identifier: .name
          title: .name
          blueprint: '"plainRepository"'
          properties:
            description: .description
            seesIncludes: '[has("__collaborators"), has("__teams"), has("__sbom")] | map(tostring) | join(",")'
`;

interface Person {
  login: string;
  id: number;
}

const sbomExample = (
  createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as {
    components: { examples: Record<string, { value: { sbom: Record<string, unknown> } }> };
  }
).components.examples['dependency-graph-export-sbom-response']!.value;

let github: FakeGithub;
let catalog: TestCatalog;
let alpha: FakeRepository;
/** Each repository's collaborators and teams, by name; repositories whose SBOM GitHub refuses. */
const collaborators = new Map<string, Person[]>();
const teams = new Map<string, string[]>();
const sbomRefused = new Map<string, { status: number; message: string }>();
const warnings: string[] = [];

const people = (prefix: string, count: number, first: number): Person[] =>
  Array.from({ length: count }, (_, index) => ({ login: `${prefix}${index + 1}`, id: first + index }));

/** A page of `items` as GitHub lists it (per_page, page) and its Link header to the next. */
function listed(path: string, query: URLSearchParams, items: Array<Record<string, unknown>>) {
  const perPage = Number(query.get('per_page') ?? 30);
  const page = Number(query.get('page') ?? 1);
  const headers: Record<string, string> =
    page * perPage < items.length
      ? { link: `<${github.url}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"` }
      : {};
  return { status: 200, headers, body: items.slice((page - 1) * perPage, page * perPage) };
}

const includeReads = (repository?: string) =>
  github.requests.filter(
    (request) =>
      /\/repos\/[^/]+\/[^/]+\/(collaborators|teams|dependency-graph\/sbom)$/.test(request.path) &&
      (repository === undefined || request.path.startsWith(`/repos/${ORG}/${repository}/`)),
  );

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  github.addRepository({ id: 9200, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  alpha = github.addRepository({ id: 9201, name: 'alpha', owner: ORG, description: 'first', files: {} });
  github.addRepository({ id: 9202, name: 'beta', owner: ORG, description: 'second', files: {} });
  // 120 collaborators: two pages of GitHub's 100.
  collaborators.set('alpha', people('dev', 120, 1000));
  collaborators.set('beta', people('ops', 2, 2000));
  teams.set('alpha', ['platform', 'security']);
  teams.set('beta', []);
  github.route('GET', '/repos/{owner}/{repo}/collaborators', ({ path, params, query }) =>
    listed(
      path,
      query,
      (collaborators.get(params.repo!) ?? []).map((person) => ({ ...person, type: 'User', role_name: 'write' })),
    ),
  );
  github.route('GET', '/repos/{owner}/{repo}/teams', ({ path, params, query }) =>
    listed(
      path,
      query,
      (teams.get(params.repo!) ?? []).map((slug, index) => ({ id: index + 1, name: slug, slug })),
    ),
  );
  github.route('GET', '/repos/{owner}/{repo}/dependency-graph/sbom', ({ params }) =>
    sbomRefused.has(params.repo!)
      ? { status: sbomRefused.get(params.repo!)!.status, body: { message: sbomRefused.get(params.repo!)!.message } }
      : { status: 200, body: { sbom: { ...sbomExample.sbom, name: `${ORG}/${params.repo}` } } },
  );
  catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
  await stringBlueprint(catalog, 'includedRepository', ['collaborators', 'collaboratorCount', 'teams', 'sbom']);
  await stringBlueprint(catalog, 'sbomPackage', ['version', 'repository']);
  await stringBlueprint(catalog, 'plainRepository', ['description', 'seesIncludes']);
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});
beforeEach(() => {
  github.reset();
});

test('include parses as the vendor takes it: a list of collaborators, teams and sbom, or one of them alone', async () => {
  const parse = async (include: string) =>
    (
      await parsePortAppConfig(
        `resources:\n  - kind: repository\n    selector: {query: "true", include: ${include}}\n    port: {entity: {mappings: {identifier: .name, blueprint: '"r"'}}}\n`,
        'test',
      )
    ).resources[0]!.selector;
  expect(await parse('[collaborators, teams, sbom]')).toMatchObject({ include: ['collaborators', 'teams', 'sbom'] });
  expect(await parse('teams')).toMatchObject({ include: ['teams'] });
  await expect(parse('[admins]')).rejects.toThrow(
    /selector\.include\[0\]: expected "collaborators" or "teams" or "sbom"/,
  );
});

test('a resync adds each include to the resources that ask, one REST read per repository and include (and page), counted', async () => {
  const record = await resyncOwner(catalog, ORG);
  expect(record).toMatchObject({ state: 'completed', errors: 0 });

  expect(await entity(catalog, 'includedRepository', 'alpha')).toMatchObject({
    properties: {
      collaboratorCount: '120',
      teams: 'platform,security',
      sbom: 'SPDXRef-DOCUMENT',
    },
  });
  expect((await entity(catalog, 'includedRepository', 'alpha'))!.properties.collaborators).toMatch(
    /^dev1,dev2,.*,dev120$/,
  );
  expect(await entity(catalog, 'includedRepository', 'beta')).toMatchObject({
    properties: { collaborators: 'ops1,ops2', teams: '', sbom: 'SPDXRef-DOCUMENT' },
  });
  // The SBOM's packages as entities of their own (itemsToParse over __sbom, as the vendor's example).
  expect(await identifiers(catalog, 'sbomPackage')).toEqual([
    'alpha-github/example',
    'alpha-rails',
    'beta-github/example',
    'beta-rails',
  ]);
  expect(await entity(catalog, 'sbomPackage', 'alpha-rails')).toMatchObject({
    properties: { version: '1.0.0', repository: 'alpha' },
  });
  // Each resource sees what it includes and nothing more.
  expect(await entity(catalog, 'plainRepository', 'alpha')).toMatchObject({
    properties: { description: 'first', seesIncludes: 'false,false,false' },
  });

  // alpha: collaborators in two pages, teams, the SBOM once for both resources that include it; beta and .github
  // three each: as the vendor's, the reads come before the selector's query, which may look at what they add.
  expect(includeReads('alpha').map((request) => request.path.split('/').slice(4).join('/'))).toEqual(
    expect.arrayContaining(['collaborators', 'collaborators', 'teams', 'dependency-graph/sbom']),
  );
  expect(includeReads('alpha')).toHaveLength(4);
  expect(includeReads('beta')).toHaveLength(3);
  expect(includeReads('.github')).toHaveLength(3);
  // The resync's GitHub usage counts them as REST requests, with its one other REST read (the GitOps tree of .github).
  const repositoryReads = github.requests.filter((request) => request.path.startsWith(`/repos/${ORG}/`));
  expect(repositoryReads).toHaveLength(11);
  expect((record.github as { rest: number }).rest).toBe(11);
});

test('a read GitHub refuses is an error of the page: the resources that include it keep what they produced, the others write', async () => {
  sbomRefused.set('beta', { status: 403, message: 'Resource not accessible by integration' });
  collaborators.set('beta', people('ops', 3, 2000));
  github.repository(ORG, 'beta').description = 'second, edited';

  const record = await resyncOwner(catalog, ORG);
  expect(record).toMatchObject({ state: 'completed', errors: 1 });
  expect(record.message).toMatch(/nothing deleted after a resync with errors/);
  expect(warnings).toContainEqual(
    expect.stringMatching(
      /incl-org\/beta: include sbom: GitHub answered 403: Resource not accessible by integration; not mapped by the resources that include it/,
    ),
  );

  // Both of beta's resources that include the SBOM kept what they wrote before; the plain one wrote.
  expect(await entity(catalog, 'includedRepository', 'beta')).toMatchObject({
    properties: { collaborators: 'ops1,ops2' },
  });
  expect(await identifiers(catalog, 'sbomPackage')).toContain('beta-rails');
  expect(await entity(catalog, 'plainRepository', 'beta')).toMatchObject({
    properties: { description: 'second, edited' },
  });
  expect(await entity(catalog, 'includedRepository', 'alpha')).toBeDefined();
  sbomRefused.delete('beta');
});

test('a repository without an SBOM (404: the dependency graph off) is mapped with __sbom null, as the vendor does, and is no error', async () => {
  sbomRefused.set('beta', { status: 404, message: 'Not Found' });
  const record = await resyncOwner(catalog, ORG);
  expect(record).toMatchObject({ state: 'completed', errors: 0 });
  expect(await entity(catalog, 'includedRepository', 'beta')).toMatchObject({
    properties: { collaborators: 'ops1,ops2,ops3' },
  });
  const beta = (await entity(catalog, 'includedRepository', 'beta')) as { properties: Record<string, unknown> };
  expect(beta.properties.sbom ?? null).toBeNull();
  // Its packages came from the SBOM it no longer has.
  expect(await identifiers(catalog, 'sbomPackage')).not.toContain('beta-rails');
  expect(await identifiers(catalog, 'sbomPackage')).toContain('alpha-rails');
  sbomRefused.delete('beta');
});

test('a repository delivery maps the repository again with what its resources include', async () => {
  collaborators.set('alpha', people('dev', 2, 1000));
  teams.set('alpha', ['platform']);
  await deliverSettled(catalog, 'repository', repositoryEvent('edited', alpha, { installation: { id: INSTALLATION } }));

  expect(await entity(catalog, 'includedRepository', 'alpha')).toMatchObject({
    properties: { collaborators: 'dev1,dev2', teams: 'platform', sbom: 'SPDXRef-DOCUMENT' },
  });
  expect(includeReads('alpha')).toHaveLength(3);
  expect(includeReads('beta')).toHaveLength(0);
});
