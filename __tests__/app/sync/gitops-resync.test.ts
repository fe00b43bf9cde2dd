import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { TEST_CREDENTIALS, type TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRequest, startFakeGithub } from '../../helpers/fake-github.ts';
import { releaseGithub } from '../../helpers/github-app.ts';
import { entity, identifiers, INSTALLATION, OWNER, settled, startSyncCatalog } from './sync-helpers.ts';

let github: FakeGithub;
let catalog: TestCatalog;
const warnings: string[] = [];

const spec = (identifier: string, extra = '') =>
  `identifier: ${identifier}\nblueprint: environment\nproperties:\n  region: eu-west-1\n${extra}`;

async function resync(owner = OWNER): Promise<Record<string, unknown>> {
  const headers = { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}` };
  const response = await fetch(`${catalog.url}/api/resync`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ owner }),
  });
  expect(response.status).toBe(202);
  const [ticket] = ((await response.json()) as { resyncs: Array<{ resyncId: number }> }).resyncs;
  await settled(catalog);
  const record = await fetch(`${catalog.url}/api/resync/${ticket!.resyncId}`, { headers });
  return ((await record.json()) as { resync: Record<string, unknown> }).resync;
}

const treeReads = (repository: string) =>
  github.requests.filter((request) => request.path.startsWith(`/repos/${OWNER}/${repository}/git/trees/`));

/** The file reads (GraphQL `WharfRepositories` queries) that name `repository`. */
const fileReads = (repository: string) =>
  github.requests.filter(
    (request: FakeRequest) =>
      request.operation === 'WharfRepositories' && Object.values(request.variables ?? {}).includes(repository),
  );

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(OWNER, INSTALLATION);
  catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'environment',
    title: 'Environment',
    schema: { properties: { region: { type: 'string' }, runbook: { type: 'string' } } },
  });
  github.addRepository({
    id: 301,
    name: 'platform',
    owner: OWNER,
    files: {
      'README.md': '# platform\n',
      'port.yml': spec('platform-root'),
      'services/a/port.yml': spec('platform-a', '  runbook: file://RUNBOOK.md\n'),
      'services/a/RUNBOOK.md': 'Restart it.\n',
      'deep/x/y/port.yml': spec('platform-deep'),
      'deep/x/y/not-port.yml': spec('platform-not'),
    },
  });
  github.addRepository({
    id: 302,
    name: 'plain',
    owner: OWNER,
    files: { 'README.md': '# plain\n', 'src/main.go': 'package main\n', 'docs/port.yaml': spec('plain-yaml') },
  });
  // A repository without a commit: GitHub answers its tree with 409.
  github.addRepository({ id: 303, name: 'empty', owner: OWNER });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

describe('a resync finds GitOps files at any depth', () => {
  test('files deep in the tree are written, each repository listed once, file:// values read', async () => {
    github.reset();
    const record = await resync();
    expect(record).toMatchObject({ state: 'completed', errors: 0 });
    expect(await identifiers(catalog, 'environment')).toEqual(['platform-a', 'platform-deep', 'platform-root']);
    expect((await entity(catalog, 'environment', 'platform-a'))!.properties.runbook).toBe('Restart it.\n');
    expect(treeReads('platform')).toEqual([
      expect.objectContaining({ method: 'GET', path: `/repos/${OWNER}/platform/git/trees/main` }),
    ]);
    expect(treeReads('plain')).toHaveLength(1);
    // No commit, no tree to read.
    expect(treeReads('empty')).toEqual([]);
  });

  test('a repository still at the commit listed before is not listed again; one without a match costs no file read', async () => {
    github.reset();
    expect(await resync()).toMatchObject({ state: 'completed', errors: 0, deleted: 0 });
    expect(github.requests.filter((request) => request.path.includes('/git/trees/'))).toEqual([]);
    expect(await identifiers(catalog, 'environment')).toEqual(['platform-a', 'platform-deep', 'platform-root']);
    expect(fileReads('plain')).toEqual([]);
    expect(fileReads('empty')).toEqual([]);
    // The matching files of platform but the root one (it came with the page) in one query.
    const reads = fileReads('platform');
    expect(reads).toHaveLength(2);
    expect(Object.values(reads[0]!.variables!).filter((value) => String(value).startsWith('HEAD:'))).toEqual([
      'HEAD:deep/x/y/port.yml',
      'HEAD:services/a/port.yml',
    ]);
    // The second: the file:// value.
    expect(reads[1]!.variables).toMatchObject({ repo0_file0: 'HEAD:services/a/RUNBOOK.md' });
  });

  test('an entity whose deep file was removed is deleted by the next resync', async () => {
    github.setFile(OWNER, 'platform', 'deep/x/y/port.yml', null);
    github.reset();
    const record = await resync();
    expect(record).toMatchObject({ state: 'completed', errors: 0, deleted: 1 });
    expect(treeReads('platform')).toHaveLength(1);
    expect(treeReads('plain')).toEqual([]);
    expect(await entity(catalog, 'environment', 'platform-deep')).toBeUndefined();
    expect(await identifiers(catalog, 'environment')).toEqual(['platform-a', 'platform-root']);
  });

  test('a truncated tree: the files it lists are written, the entities of the others are kept', async () => {
    github.setFile(OWNER, 'platform', 'deep/x/y/port.yml', spec('platform-deep'));
    await resync();
    expect(await entity(catalog, 'environment', 'platform-deep')).toBeDefined();
    // Sorted, deep/ comes first: a limit of 3 lists the folders deep, deep/x, deep/x/y and nothing else.
    github.repository(OWNER, 'platform').treeLimit = 3;
    github.setFile(OWNER, 'platform', 'services/a/port.yml', spec('platform-a2'));
    const record = await resync();
    expect(record).toMatchObject({ state: 'completed', errors: 0, deleted: 0 });
    expect(await identifiers(catalog, 'environment')).toEqual(['platform-a', 'platform-deep', 'platform-root']);
    expect(warnings).toContainEqual(expect.stringMatching(/listed only part of the files of acme\/platform/));
    delete github.repository(OWNER, 'platform').treeLimit;
  });

  test('a tree GitHub will not list is an error of the resync: nothing is deleted', async () => {
    github.setFile(OWNER, 'platform', 'services/a/port.yml', null);
    github.fault({
      match: (request) => request.path === `/repos/${OWNER}/platform/git/trees/main`,
      answer: { status: 422, body: { message: 'Unprocessable' } },
    });
    const record = await resync();
    expect(record).toMatchObject({ state: 'completed', errors: 1, deleted: 0 });
    expect(warnings).toContainEqual(expect.stringMatching(/acme\/platform: its files could not be listed/));
    expect(await entity(catalog, 'environment', 'platform-a')).toBeDefined();
    // The next resync lists it and lets go of the entity whose file is gone.
    expect(await resync()).toMatchObject({ errors: 0, deleted: 1 });
    expect(await identifiers(catalog, 'environment')).toEqual(['platform-deep', 'platform-root']);
  });

  test('tree reads keep to the REST rate limits: a refused one is tried again, a low quota waits', async () => {
    github.setFile(OWNER, 'plain', 'src/a.go', 'package main\n');
    github.fault({
      match: (request) => request.path === `/repos/${OWNER}/plain/git/trees/main`,
      answer: {
        status: 403,
        headers: { 'retry-after': '0' },
        body: { message: 'You have exceeded a secondary rate limit' },
      },
    });
    expect(await resync()).toMatchObject({ state: 'completed', errors: 0 });
    expect(warnings).toContainEqual(
      expect.stringMatching(/GitHub REST for installation 4242: GitHub asked to retry after 0 s; retry 1/),
    );
    // Answers that leave 5 calls until a reset 2 s away: the next resync's tree reads wait for it.
    const reset = Math.floor(Date.now() / 1000) + 2;
    github.setFile(OWNER, 'plain', 'src/b.go', 'package main\n');
    github.fault({
      match: (request) => request.path.includes('/git/trees/'),
      answer: {
        status: 200,
        headers: { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': String(reset) },
        body: { sha: 'f'.repeat(40), tree: [], truncated: false },
      },
    });
    await resync();
    github.setFile(OWNER, 'plain', 'src/c.go', 'package main\n');
    const started = Date.now();
    expect(await resync()).toMatchObject({ state: 'completed', errors: 0 });
    expect(Date.now()).toBeGreaterThanOrEqual(Math.min(started + 500, reset * 1000));
    expect(warnings).toContainEqual(expect.stringMatching(/GitHub REST quota of installation 4242 at 5 points/));
  });

  test('specPath without wildcards needs no tree', async () => {
    github.addInstallation('literal', INSTALLATION + 1);
    github.addRepository({
      id: 311,
      name: '.github',
      owner: 'literal',
      files: {
        '.github/port-app-config.yml': `specPath: [port.yml, deep/x/y/port.yml]
resources:
  - kind: repository
    selector: { query: 'true' }
    port:
      entity:
        mappings:
          identifier: '"literal-" + .name'
          title: .name
          blueprint: '"service"'
`,
      },
    });
    github.addRepository({
      id: 312,
      name: 'tools',
      owner: 'literal',
      files: {
        'port.yml': spec('tools-root'),
        'deep/x/y/port.yml': spec('tools-deep'),
        'other/port.yml': spec('tools-other'),
      },
    });
    github.reset();
    const record = await resync('literal');
    expect(record).toMatchObject({ state: 'completed', errors: 0 });
    expect(github.requests.filter((request) => request.path.includes('/git/trees/'))).toEqual([]);
    expect((await identifiers(catalog, 'environment')).filter((id) => id.startsWith('tools-'))).toEqual([
      'tools-deep',
      'tools-root',
    ]);
  });
});

describe('tree listings are kept in app.sqlite', () => {
  test('after a restart, a repository still at the commit it was listed at is not listed again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-listings-'));
    const fake = await startFakeGithub();
    const start = () => startSyncCatalog(fake, {}, { dataDir });
    const resyncOn = async (server: TestCatalog) => {
      const response = await fetch(`${server.url}/api/resync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}` },
        body: JSON.stringify({ owner: 'listed' }),
      });
      expect(response.status).toBe(202);
      await settled(server);
      return (await server.server.wharfApp.sync!.store.latestResync(INSTALLATION + 2))!;
    };
    try {
      fake.addInstallation('listed', INSTALLATION + 2);
      fake.addRepository({ id: 321, name: 'svc', owner: 'listed', files: { 'a/b/port.yml': spec('listed-deep') } });
      const first = await start();
      await first.api('POST', '/v1/blueprints', {
        identifier: 'environment',
        title: 'Environment',
        schema: { properties: { region: { type: 'string' } } },
      });
      const record = await resyncOn(first);
      expect(record).toMatchObject({ state: 'completed', errors: 0 });
      expect(fake.requests.filter((request) => request.path.includes('/git/trees/'))).toHaveLength(1);
      // The resync reports what it cost on GitHub.
      expect(record.github.rest).toBe(1);
      expect(record.github.graphql).toBeGreaterThanOrEqual(2);
      expect(record.message).toMatch(/GitHub: \d+ requests \(\d+ GraphQL, 1 REST\), \d+ points/);
      await first.close({ keepData: true });

      fake.reset();
      const second = await start();
      expect(await resyncOn(second)).toMatchObject({ state: 'completed', errors: 0, deleted: 0 });
      expect(fake.requests.filter((request) => request.path.includes('/git/trees/'))).toEqual([]);
      expect(await identifiers(second, 'environment')).toEqual(['listed-deep']);

      // A push moves the branch: the next resync lists it again.
      fake.setFile('listed', 'svc', 'c/port.yml', spec('listed-new'));
      fake.reset();
      expect(await resyncOn(second)).toMatchObject({ state: 'completed', errors: 0 });
      expect(fake.requests.filter((request) => request.path.includes('/git/trees/'))).toHaveLength(1);
      expect(await identifiers(second, 'environment')).toEqual(['listed-deep', 'listed-new']);
      await second.close();
    } finally {
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
