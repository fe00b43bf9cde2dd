/**
 * Pushes of more than 20 commits: GitHub lists the last 20 in the payload, so the files of the earlier ones come
 * from the compare API; when that cannot list them all, whatever the push could touch is read again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub } from '../../helpers/github-app.ts';
import { entity, INSTALLATION, OWNER, pushEvent, repositoryEvent, settled, startSyncCatalog } from './sync-helpers.ts';

let github: FakeGithub;
let catalog: TestCatalog;
const warnings: string[] = [];
let nextId = 5000;
let nextSha = 1;
const sha = () => `c${(nextSha++).toString(16).padStart(39, '0')}`;

const SERVICE_SPEC = (identifier: string) => `identifier: ${identifier}\nblueprint: service\ntitle: ${identifier}\n`;

function repository(name: string): FakeRepository {
  return github.addRepository({
    id: nextId++,
    name,
    owner: OWNER,
    files: { 'README.md': `# ${name}\n`, 'src/main.go': 'package main\n' },
  });
}

async function deliver(event: string, payload: unknown): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

/**
 * A push of 25 commits whose 3rd changes `early` (GitHub lists only the last 20, which here touch src/ only), with
 * the comparison GitHub answers for it; `files` are the texts after the push (null: deleted).
 */
function longPush(
  repo: FakeRepository,
  early: { added?: string[]; modified?: string[]; removed?: string[] },
  files: Record<string, string | null>,
  comparedFiles?: Array<{ filename: string; status: string }>,
): Record<string, unknown> {
  for (const [path, text] of Object.entries(files)) github.setFile(OWNER, repo.name, path, text);
  const ids = Array.from({ length: 25 }, () => sha());
  const before = sha();
  const after = ids.at(-1)!;
  // The files at the push's last commit are those of the default branch.
  repo.commits = { ...repo.commits, [after]: {} };
  const status = (list: string[] | undefined, value: string) =>
    (list ?? []).map((filename) => ({ filename, status: value }));
  repo.comparisons = {
    [`${before}...${after}`]: {
      commits: ids,
      files: comparedFiles ?? [
        ...status(early.added, 'added'),
        ...status(early.modified, 'modified'),
        ...status(early.removed, 'removed'),
        { filename: 'src/main.go', status: 'modified' },
      ],
    },
  };
  const payload = pushEvent(repo, after, {});
  const listed = ids.slice(-20).map((id) => ({
    ...(payload.head_commit as object),
    id,
    added: [],
    modified: ['src/main.go'],
    removed: [],
  }));
  return { ...payload, before, commits: listed, head_commit: listed.at(-1) };
}

const compared = () => github.requests.filter((request) => request.path.includes('/compare/'));

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(OWNER, INSTALLATION);
  catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});
beforeEach(() => github.reset());

describe('a push of 25 commits to the default branch', () => {
  test('README changed by the 3rd commit: the compare API names it and the repository is mapped again', async () => {
    const docs = repository('long-docs');
    await deliver('repository', repositoryEvent('created', docs));
    github.reset();
    await deliver('push', longPush(docs, { modified: ['README.md'] }, { 'README.md': '# rewritten early\n' }));
    expect((await entity(catalog, 'service', 'long-docs'))!.properties.readme).toBe('# rewritten early\n');
    expect(compared()).toHaveLength(1);
    expect(compared()[0]!.path).toMatch(/^\/repos\/acme\/long-docs\/compare\/c[0-9a-f]{39}\.\.\.c[0-9a-f]{39}$/);
  });

  test('a port.yml added by the 3rd commit, deep in the tree, is written', async () => {
    const deep = repository('long-gitops');
    await deliver('repository', repositoryEvent('created', deep));
    await deliver(
      'push',
      longPush(deep, { added: ['deploy/eu/port.yml'] }, { 'deploy/eu/port.yml': SERVICE_SPEC('long-gitops-eu') }),
    );
    expect(await entity(catalog, 'service', 'long-gitops-eu')).toMatchObject({ title: 'long-gitops-eu' });
    expect(github.checkRuns.map((run) => run.body.name)).toEqual(['wharf: GitOps']);
  });

  test('the configuration changed by the 3rd commit is checked and put in force', async () => {
    const configured = repository('long-config');
    await deliver('repository', repositoryEvent('created', configured));
    const config = `resources:
  - kind: repository
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .name
          title: '"Configured " + .name'
          blueprint: '"service"'
          properties: {}
`;
    const payload = longPush(
      configured,
      { added: ['.github/port-app-config.yml'] },
      { '.github/port-app-config.yml': config },
    );
    await deliver('push', payload);
    expect((await entity(catalog, 'service', 'long-config'))!.title).toBe('Configured long-config');
    expect(github.checkRuns).toEqual([
      expect.objectContaining({
        body: expect.objectContaining({ name: 'wharf: port-app-config.yml', conclusion: 'success' }),
      }),
    ]);
  });

  test('a payload that gives the count (size) is compared only when it lists fewer commits', async () => {
    const counted = repository('long-counted');
    await deliver('repository', repositoryEvent('created', counted));
    github.reset();
    const payload = longPush(counted, { modified: ['README.md'] }, { 'README.md': '# counted\n' });
    await deliver('push', { ...payload, size: 20 });
    expect(compared()).toHaveLength(0);
    await deliver('push', { ...payload, size: 25 });
    expect(compared()).toHaveLength(1);
    expect((await entity(catalog, 'service', 'long-counted'))!.properties.readme).toBe('# counted\n');
  });
});

describe('when GitHub cannot list every file the push changed', () => {
  test('300 files compared: the mapped files and every GitOps file (a tree read) are read again', async () => {
    const big = repository('long-big');
    await deliver('repository', repositoryEvent('created', big));
    github.setFile(OWNER, 'long-big', 'old/port.yml', SERVICE_SPEC('long-big-old'));
    await deliver('push', pushEvent(big, sha(), { added: ['old/port.yml'] }));
    expect(await entity(catalog, 'service', 'long-big-old')).toBeDefined();

    const many = Array.from({ length: 300 }, (_, index) => ({ filename: `gen/file-${index}.go`, status: 'added' }));
    await deliver(
      'push',
      longPush(
        big,
        {},
        {
          'README.md': '# big\n',
          'port.yml': SERVICE_SPEC('long-big-root'),
          'deep/er/port.yml': SERVICE_SPEC('long-big-deep'),
          'old/port.yml': null,
        },
        many,
      ),
    );
    expect(warnings.filter((warning) => warning.includes('300 files or more'))).toHaveLength(1);
    expect((await entity(catalog, 'service', 'long-big'))!.properties.readme).toBe('# big\n');
    expect(await entity(catalog, 'service', 'long-big-root')).toBeDefined();
    expect(await entity(catalog, 'service', 'long-big-deep')).toBeDefined();
    expect(github.requests.filter((request) => request.path.includes('/git/trees/'))).toHaveLength(1);
    expect(await entity(catalog, 'service', 'long-big-old')).toBeUndefined();
  });

  test('a comparison GitHub does not answer (a base it no longer has) reads everything too', async () => {
    const lost = repository('long-lost');
    await deliver('repository', repositoryEvent('created', lost));
    const payload = longPush(lost, { modified: ['README.md'] }, { 'README.md': '# lost base\n' });
    lost.comparisons = {};
    await deliver('push', payload);
    expect(warnings.some((warning) => /comparing acme\/long-lost .* failed \(Not Found\)/.test(warning))).toBe(true);
    expect((await entity(catalog, 'service', 'long-lost'))!.properties.readme).toBe('# lost base\n');
  });
});
