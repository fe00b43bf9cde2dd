/**
 * The file and folder kinds: the vendor's documented example mappings (package.json dependencies with itemsToParse,
 * a README per repository, a monorepo's apps/* folders) applied by a resync through the fake GitHub into the real
 * catalog, skipParsing, `file://` values relative to their file, pushes (signed deliveries of the recorded payload)
 * that change, add and delete matched files and folders, a push of more than 20 commits, stale deletion, and
 * hostile files answered with errors that name them while the rest syncs.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { TEST_CREDENTIALS, type TestCatalog } from '../../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub } from '../../../helpers/github-app.ts';
import { entity, identifiers, INSTALLATION, pushEvent, settled, startSyncCatalog } from '../sync-helpers.ts';

const ORG = 'files-org';

const CONFIG = `
createMissingRelatedEntities: true
resources:
  # The vendor's package.json example: one entity per dependency.
  - kind: file
    selector:
      query: 'true'
      files:
        - path: '**/package.json'
    port:
      itemsToParse: .content.dependencies | to_entries
      entity:
        mappings:
          identifier: >-
            .item.key + "_" + if (.item.value | startswith("^")) then
            .item.value[1:] else .item.value end
          title: .item.key + "@" + .item.value
          blueprint: '"package"'
          properties:
            package: .item.key
            version: .item.value
  # The vendor's README example, with its repository relation.
  - kind: file
    selector:
      query: 'true'
      files:
        - path: 'README.md'
          organization: ${ORG}
          repos:
            - name: monorepo
              branch: main
    port:
      entity:
        mappings:
          identifier: .name
          title: .name
          blueprint: '"files"'
          properties:
            name: .name
            path: .path
          relations:
            repository: .repository.name
  # YAML content, a file:// value in the content and one in the mapping, both relative to the file.
  - kind: file
    selector:
      query: 'true'
      files:
        - path: '**/service.yaml'
    port:
      entity:
        mappings:
          identifier: .content.name
          title: .content.name
          blueprint: '"svc"'
          properties:
            tier: .content.tier
            docs: .content.docs
            readme: file://README.md
            sha: .metadata.sha
  # skipParsing: the text as it is.
  - kind: file
    selector:
      query: 'true'
      files:
        - path: 'apps/*/package.json'
          skipParsing: true
          repos: [monorepo]
    port:
      entity:
        mappings:
          identifier: .repository.name + "-" + (.path | split("/") | .[1])
          blueprint: '"manifest"'
          properties:
            raw: .content
            kind: .content | type
  # The vendor's monorepo example.
  - kind: folder
    selector:
      query: 'true'
      folders:
        - path: apps/*
          repos:
            - name: monorepo
              branch: main
    port:
      entity:
        mappings:
          identifier: .folder.path | split("/") | last
          title: .folder.path | split("/") | last
          blueprint: '"app"'
          properties:
            url: .__repository.html_url + "/tree/" + .__repository.default_branch + "/" + .folder.path
            readme: file://README.md
`;

const json = (value: unknown) => JSON.stringify(value, null, 2);

let github: FakeGithub;
let catalog: TestCatalog;
let monorepo: FakeRepository;
let tools: FakeRepository;
const warnings: string[] = [];
let nextSha = 1;
const sha = () => `f${(nextSha++).toString(16).padStart(39, '0')}`;

async function deliver(event: string, payload: unknown): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

async function resync(): Promise<Record<string, unknown>> {
  const headers = { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}` };
  const response = await fetch(`${catalog.url}/api/resync`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ owner: ORG }),
  });
  expect(response.status).toBe(202);
  const [ticket] = ((await response.json()) as { resyncs: Array<{ resyncId: number }> }).resyncs;
  await settled(catalog);
  const record = await fetch(`${catalog.url}/api/resync/${ticket!.resyncId}`, { headers });
  return ((await record.json()) as { resync: Record<string, unknown> }).resync;
}

/** The blob expressions (`<ref>:<path>`) GraphQL queries asked for since `from`. */
function blobsRead(from: number): string[] {
  return github.requests
    .slice(from)
    .filter((request) => request.path === '/graphql')
    .flatMap((request) => Object.values(request.variables ?? {}))
    .filter((value): value is string => typeof value === 'string' && value.includes(':'));
}

/** A push of `files` (text, or null: removed) to `repo`'s default branch, which then has them. */
function push(repo: FakeRepository, files: Record<string, string | null>): Record<string, unknown> {
  const after = sha();
  repo.commits = { ...repo.commits, [after]: files };
  for (const [path, text] of Object.entries(files)) github.setFile(ORG, repo.name, path, text);
  const existed = (path: string) => files[path] !== null;
  return pushEvent(repo, after, {
    added: Object.keys(files).filter((path) => existed(path) && !path.includes('web')),
    modified: Object.keys(files).filter((path) => existed(path) && path.includes('web')),
    removed: Object.keys(files).filter((path) => !existed(path)),
  });
}

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  github.addRepository({ id: 1, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  monorepo = github.addRepository({
    id: 2,
    name: 'monorepo',
    owner: ORG,
    files: {
      'README.md': '# Monorepo\n',
      'package.json': json({ name: 'monorepo', dependencies: { lodash: '^4.17.21' } }),
      'apps/web/package.json': json({ name: 'web', dependencies: { react: '^18.2.0', lodash: '^4.17.21' } }),
      'apps/web/README.md': '# Web\n',
      'apps/api/package.json': json({ name: 'api', dependencies: { express: '4.18.2' } }),
      'apps/api/README.md': '# API\n',
      'apps/api/service.yaml': 'name: api\ntier: gold\ndocs: file://docs/intro.md\n',
      'apps/api/docs/intro.md': 'How to call the API\n',
      'libs/util/index.ts': 'export {};\n',
    },
  });
  tools = github.addRepository({
    id: 3,
    name: 'tools',
    owner: ORG,
    files: {
      'README.md': '# Tools\n',
      'package.json': json({ name: 'tools', dependencies: { typescript: '5.4.0' } }),
    },
  });
  catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
  const blueprint = (identifier: string, properties: string[], relations = {}) =>
    catalog.api('POST', '/v1/blueprints', {
      identifier,
      title: identifier,
      schema: { properties: Object.fromEntries(properties.map((name) => [name, { type: 'string' }])) },
      relations,
    });
  await blueprint('githubRepository', []);
  await blueprint('package', ['package', 'version']);
  await blueprint('files', ['name', 'path'], {
    repository: { title: 'Repository', target: 'githubRepository', many: false, required: false },
  });
  await blueprint('svc', ['tier', 'docs', 'readme', 'sha']);
  await blueprint('manifest', ['raw', 'kind']);
  await blueprint('app', ['url', 'readme']);
});

afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

test('a resync maps the documented file and folder examples', async () => {
  const before = github.requests.length;
  const record = await resync();
  expect(record).toMatchObject({ state: 'completed' });
  expect(record.message).not.toMatch(/error/);

  expect(await identifiers(catalog, 'package')).toEqual([
    'express_4.18.2',
    'lodash_4.17.21',
    'react_18.2.0',
    'typescript_5.4.0',
  ]);
  expect(await entity(catalog, 'package', 'react_18.2.0')).toMatchObject({
    title: 'react@^18.2.0',
    properties: { package: 'react', version: '^18.2.0' },
  });
  // README.md of the one repository named: the relation to its repository.
  expect(await identifiers(catalog, 'files')).toEqual(['README.md']);
  expect(await entity(catalog, 'files', 'README.md')).toMatchObject({
    properties: { name: 'README.md', path: 'README.md' },
    relations: { repository: 'monorepo' },
  });
  // YAML parsed; file:// in the content and in the mapping read next to the file.
  expect(await entity(catalog, 'svc', 'api')).toMatchObject({
    properties: { tier: 'gold', docs: 'How to call the API\n', readme: '# API\n' },
  });
  // skipParsing: the text.
  expect((await entity(catalog, 'manifest', 'monorepo-web'))!.properties).toEqual({
    raw: monorepo.files!['apps/web/package.json'],
    kind: 'string',
  });
  // The monorepo's apps, each with its own README.
  expect(await identifiers(catalog, 'app')).toEqual(['api', 'web']);
  expect(await entity(catalog, 'app', 'web')).toMatchObject({
    properties: { url: 'https://github.com/files-org/monorepo/tree/main/apps/web', readme: '# Web\n' },
  });

  // One tree read per repository each glob resource reads (2 over 3 repositories, 1 over the monorepo, its folders),
  // besides GitOps's (one per repository); the files in batched GraphQL queries, never one by one.
  const trees = github.requests.slice(before).filter((request) => request.path.includes('/git/trees/'));
  expect(trees.length).toBe(3 + 3 + 1 + 1 + 3);
  const blobQueries = github.requests.slice(before).filter((request) => request.operation === 'WharfRepositories');
  expect(blobQueries.length).toBeLessThan(12);
});

test('a push changes, adds and deletes matched files and folders, reading only what it changed', async () => {
  const from = github.requests.length;
  const payload = push(monorepo, {
    'apps/web/package.json': json({ name: 'web', dependencies: { react: '^18.3.0', lodash: '^4.17.21' } }),
    'apps/worker/package.json': json({ name: 'worker', dependencies: { bullmq: '5.0.0' } }),
    'apps/worker/README.md': '# Worker\n',
    'apps/api/package.json': null,
    'apps/api/README.md': null,
    'apps/api/service.yaml': null,
    'apps/api/docs/intro.md': null,
  });
  await deliver('push', payload);

  expect(await identifiers(catalog, 'package')).toEqual([
    'bullmq_5.0.0',
    'lodash_4.17.21',
    'react_18.3.0',
    'typescript_5.4.0',
  ]);
  expect(await entity(catalog, 'svc', 'api')).toBeUndefined();
  expect(await identifiers(catalog, 'app')).toEqual(['web', 'worker']);
  expect((await entity(catalog, 'app', 'worker'))!.properties.readme).toBe('# Worker\n');
  expect((await entity(catalog, 'manifest', 'monorepo-worker'))!.properties.kind).toBe('string');
  expect(await entity(catalog, 'manifest', 'monorepo-api')).toBeUndefined();

  // Only the files the push changed were read (at its commit), never the unchanged ones.
  const read = blobsRead(from);
  expect(read.filter((expression) => expression.endsWith('package.json')).sort()).toEqual(
    [
      `${payload.after as string}:apps/api/package.json`,
      `${payload.after as string}:apps/web/package.json`,
      `${payload.after as string}:apps/worker/package.json`,
    ].sort(),
  );
  expect(read.some((expression) => expression.includes('libs/') || expression.endsWith(':package.json'))).toBe(false);
});

test('a push to another branch, or one that changes no matched file, reads no file', async () => {
  const from = github.requests.length;
  const other = { ...push(monorepo, { 'libs/util/index.ts': 'export const x = 1;\n' }) };
  await deliver('push', other);
  await deliver('push', { ...other, ref: 'refs/heads/feature', after: sha() });
  expect(blobsRead(from).filter((expression) => !expression.includes('port-app-config'))).toEqual([]);
  expect(await identifiers(catalog, 'app')).toEqual(['web', 'worker']);
});

test('a push of more than 20 commits: the compare API names the files the payload does not list', async () => {
  const ids = Array.from({ length: 25 }, () => sha());
  const before = sha();
  const after = ids.at(-1)!;
  const text = json({ name: 'tools', dependencies: { typescript: '5.5.2' } });
  tools.commits = { ...tools.commits, [after]: { 'package.json': text } };
  github.setFile(ORG, 'tools', 'package.json', text);
  tools.comparisons = {
    [`${before}...${after}`]: {
      commits: ids,
      files: [
        { filename: 'package.json', status: 'modified' },
        { filename: 'src/main.ts', status: 'modified' },
      ],
    },
  };
  const payload = pushEvent(tools, after, {});
  const listed = ids.slice(-20).map((id) => ({
    ...(payload.head_commit as object),
    id,
    added: [],
    modified: ['src/main.ts'],
    removed: [],
  }));
  const from = github.requests.length;
  await deliver('push', { ...payload, before, commits: listed, head_commit: listed.at(-1) });
  expect(github.requests.slice(from).some((request) => request.path.includes('/compare/'))).toBe(true);
  expect(await identifiers(catalog, 'package')).toContain('typescript_5.5.2');
  expect(await identifiers(catalog, 'package')).not.toContain('typescript_5.4.0');
});

test('a resync deletes what files and folders that are gone produced', async () => {
  github.setFile(ORG, 'monorepo', 'apps/worker/package.json', null);
  github.setFile(ORG, 'monorepo', 'apps/worker/README.md', null);
  const record = await resync();
  expect(record.message).not.toMatch(/error/);
  expect(await identifiers(catalog, 'package')).toEqual(['lodash_4.17.21', 'react_18.3.0', 'typescript_5.5.2']);
  expect(await identifiers(catalog, 'app')).toEqual(['web']);
  expect(await entity(catalog, 'manifest', 'monorepo-worker')).toBeUndefined();
});

test('hostile files: each answered with an error naming its repository and path, while the rest syncs', async () => {
  const bomb = [
    'name: bomb',
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...'bcdefghi'
      .split('')
      .map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`),
  ].join('\n');
  github.addRepository({
    id: 4,
    name: 'hostile',
    owner: ORG,
    files: {
      'package.json': json({ name: 'huge', dependencies: { left: 'x'.repeat(1_100_000) } }),
      'deep/package.json': `{"dependencies": ${'['.repeat(500)}${']'.repeat(500)}}`,
      'bomb/service.yaml': bomb,
      'nested/service.yaml': `name: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      'ok/package.json': json({ name: 'ok', dependencies: { zod: '4.0.0' } }),
    },
  });
  warnings.length = 0;
  const record = await resync();
  expect(record.message).toMatch(/errors: nothing deleted after a resync with errors/);
  const problems = warnings.join('\n');
  expect(problems).toMatch(/files-org\/hostile@main:package\.json: it is \d+ bytes; files of more than 1048576 bytes/);
  expect(problems).toMatch(/files-org\/hostile@main:deep\/package\.json: it nests more than 100 levels deep/);
  expect(problems).toMatch(/files-org\/hostile@main:bomb\/service\.yaml: its YAML aliases expand too far/);
  expect(problems).toMatch(/files-org\/hostile@main:nested\/service\.yaml: it nests more than 100 levels deep/);
  // The rest synced.
  expect(await identifiers(catalog, 'package')).toContain('zod_4.0.0');
  expect(await identifiers(catalog, 'app')).toEqual(['web']);
});
