import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCatalog, type TestCatalog } from '../../helpers/catalog-server.ts';
import { startFaultProxy } from '../../port/fault-proxy.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../helpers/fake-github.ts';
import { createTestProbot, deliverWebhook, releaseGithub } from '../../helpers/github-app.ts';
import {
  entity,
  identifiers,
  INSTALLATION,
  OWNER,
  pushEvent,
  recordedPayload,
  repositoryEvent,
  settled,
  startSyncCatalog,
} from './sync-helpers.ts';

let github: FakeGithub;
let catalog: TestCatalog;
let nextId = 1000;

function repository(name: string, extra: Partial<FakeRepository> = {}): FakeRepository {
  return github.addRepository({
    id: nextId++,
    name,
    owner: OWNER,
    language: 'Go',
    description: `${name} service`,
    files: { 'README.md': `# ${name}\n`, '.github/CODEOWNERS': `* @${OWNER}/${name}-team\n` },
    ...extra,
  });
}

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(OWNER, INSTALLATION);
  catalog = await startSyncCatalog(github);
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  // Importing the helper loads nock, which patches Node's modules for the whole worker: give them back.
  releaseGithub();
});
beforeEach(() => github.reset());

async function deliver(event: string, payload: unknown): Promise<void> {
  const response = await deliverWebhook(catalog.url, event, payload);
  expect(response.status).toBe(200);
  await settled(catalog);
}

describe('repository events with the built-in default mapping', () => {
  test('created: the service blueprint is created and the repository becomes a service with README and CODEOWNERS', async () => {
    expect((await catalog.api('GET', '/v1/blueprints/service')).status).toBe(404);
    const billing = repository('billing', { topics: ['payments'] });
    await deliver('repository', repositoryEvent('created', billing));

    expect((await catalog.api('GET', '/v1/blueprints/service')).status).toBe(200);
    expect(await entity(catalog, 'service', 'billing')).toMatchObject({
      identifier: 'billing',
      title: 'billing',
      properties: {
        url: 'https://github.com/acme/billing',
        description: 'billing service',
        language: 'Go',
        defaultBranch: 'main',
        visibility: 'public',
        topics: ['payments'],
        archived: false,
        readme: '# billing\n',
        codeowners: '* @acme/billing-team\n',
        lastPush: '2025-06-01T12:00:00Z',
      },
    });
    // The configuration (the organization's repositories and this one's own file) and the files: two queries.
    expect(github.requests.filter((request) => request.path === '/graphql')).toHaveLength(2);
  });

  test('edited, archived and unarchived update the entity; a second event of the repository reads only its files', async () => {
    const ledger = repository('ledger');
    await deliver('repository', repositoryEvent('created', ledger));
    github.reset();
    ledger.description = 'the general ledger';
    await deliver('repository', repositoryEvent('edited', ledger));
    expect((await entity(catalog, 'service', 'ledger'))!.properties.description).toBe('the general ledger');
    expect(github.requests.filter((request) => request.path === '/graphql')).toHaveLength(1);

    ledger.archived = true;
    await deliver('repository', repositoryEvent('archived', ledger));
    expect((await entity(catalog, 'service', 'ledger'))!.properties.archived).toBe(true);
    ledger.archived = false;
    await deliver('repository', repositoryEvent('unarchived', ledger));
    expect((await entity(catalog, 'service', 'ledger'))!.properties.archived).toBe(false);

    ledger.private = true;
    await deliver('repository', repositoryEvent('privatized', ledger));
    expect((await entity(catalog, 'service', 'ledger'))!.properties.visibility).toBe('private');
  });

  test('renamed: the entity moves to the new identifier and the old one is deleted', async () => {
    const old = repository('old-name');
    await deliver('repository', repositoryEvent('created', old));
    expect(await entity(catalog, 'service', 'old-name')).toBeDefined();

    github.removeRepository(OWNER, 'old-name');
    const renamed = github.addRepository({ ...old, name: 'new-name' });
    await deliver(
      'repository',
      repositoryEvent('renamed', renamed, { changes: { repository: { name: { from: 'old-name' } } } }),
    );
    expect(await entity(catalog, 'service', 'old-name')).toBeUndefined();
    expect(await entity(catalog, 'service', 'new-name')).toMatchObject({
      properties: { url: 'https://github.com/acme/new-name', readme: '# old-name\n' },
    });
  });

  test('transferred: the entity follows the repository to its new owner', async () => {
    github.addInstallation('previous-owner', 4343);
    const moving = github.addRepository({ id: nextId++, name: 'moving', owner: 'previous-owner', files: {} });
    await deliver('repository', { ...repositoryEvent('created', moving), installation: { id: 4343 } });
    expect((await entity(catalog, 'service', 'moving'))!.properties.url).toBe(
      'https://github.com/previous-owner/moving',
    );
    github.removeRepository('previous-owner', 'moving');
    const moved = github.addRepository({ ...moving, owner: OWNER });
    await deliver(
      'repository',
      repositoryEvent('transferred', moved, { changes: { owner: { from: { user: { login: 'previous-owner' } } } } }),
    );
    expect((await entity(catalog, 'service', 'moving'))!.properties.url).toBe('https://github.com/acme/moving');
    // Deleting it under its new owner deletes the entity written under the old one: sources are repository ids.
    await deliver('repository', repositoryEvent('deleted', moved));
    expect(await entity(catalog, 'service', 'moving')).toBeUndefined();
  });

  test('deleted: the entity is deleted', async () => {
    const doomed = repository('doomed');
    await deliver('repository', repositoryEvent('created', doomed));
    expect(await entity(catalog, 'service', 'doomed')).toBeDefined();
    github.removeRepository(OWNER, 'doomed');
    await deliver('repository', repositoryEvent('deleted', doomed));
    expect(await entity(catalog, 'service', 'doomed')).toBeUndefined();
  });

  test('a push to the default branch that changes README or CODEOWNERS maps the repository again', async () => {
    const docs = repository('docs');
    await deliver('repository', repositoryEvent('created', docs));
    github.setFile(OWNER, 'docs', 'README.md', '# docs, rewritten\n');
    await deliver('push', pushEvent(docs, 'b'.repeat(40), { modified: ['README.md'] }));
    expect((await entity(catalog, 'service', 'docs'))!.properties).toMatchObject({
      readme: '# docs, rewritten\n',
      // Push payloads give epoch seconds: the mapping turns them into a date.
      lastPush: '2025-06-15T15:06:40Z',
    });
    github.setFile(OWNER, 'docs', '.github/CODEOWNERS', '* @acme/writers\n');
    await deliver('push', pushEvent(docs, 'c'.repeat(40), { modified: ['.github/CODEOWNERS'] }));
    expect((await entity(catalog, 'service', 'docs'))!.properties.codeowners).toBe('* @acme/writers\n');

    // A push that changes nothing the mapping reads costs no GitHub read and writes nothing.
    github.reset();
    await deliver('push', pushEvent(docs, 'd'.repeat(40), { modified: ['src/main.go'] }));
    expect(github.requests.filter((request) => request.path === '/graphql')).toHaveLength(0);
  });

  test('a redelivered event writes the same entity again and nothing else', async () => {
    const stable = repository('stable');
    const payload = repositoryEvent('created', stable);
    await deliver('repository', payload);
    await deliver('repository', payload);
    expect((await identifiers(catalog, 'service')).filter((id) => id === 'stable')).toEqual(['stable']);
  });
});

describe('installation events', () => {
  test('repositories added are read in one query and written; removed ones are deleted', async () => {
    const one = repository('added-one');
    const two = repository('added-two', { files: {} });
    const recorded = recordedPayload('installation_repositories', 'added');
    const installation = { ...(recorded.installation as object), id: INSTALLATION, account: { login: OWNER } };
    const summary = (repo: FakeRepository) => ({
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: `${OWNER}/${repo.name}`,
      private: false,
    });
    await deliver('installation_repositories', {
      ...recorded,
      installation,
      repositories_added: [summary(one), summary(two)],
      repositories_removed: [],
    });
    expect(await entity(catalog, 'service', 'added-one')).toMatchObject({ properties: { readme: '# added-one\n' } });
    // A repository without README or CODEOWNERS: null, which leaves the properties unset.
    const bare = await entity(catalog, 'service', 'added-two');
    expect(bare!.properties).toMatchObject({ url: 'https://github.com/acme/added-two' });
    expect(bare!.properties.readme ?? null).toBeNull();
    expect(bare!.properties.codeowners ?? null).toBeNull();

    await deliver('installation_repositories', {
      ...recorded,
      action: 'removed',
      installation,
      repositories_added: [],
      repositories_removed: [summary(one)],
    });
    expect(await entity(catalog, 'service', 'added-one')).toBeUndefined();
    expect(await entity(catalog, 'service', 'added-two')).toBeDefined();
  });
});

describe('Port down', () => {
  test('a live write waits in the outbox, survives a restart, and lands when Port is back', async () => {
    const proxy = await startFaultProxy(catalog.url);
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-sync-'));
    const appOn = () =>
      startTestCatalog({
        dataDir,
        portBaseUrl: proxy.url,
        probot: createTestProbot({ baseUrl: github.url }),
        app: { sync: { resyncIntervalMs: 0 } },
      });
    try {
      proxy.inject({ path: /.*/, times: 10_000, action: { status: 503 } });
      const first = await appOn();
      const patient = repository('patient');
      expect((await deliverWebhook(first.url, 'repository', repositoryEvent('created', patient))).status).toBe(200);
      await first.server.wharfApp.sync!.idle();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await first.server.wharfApp.state.outbox.depth()).toBe(1);
      await first.close({ keepData: true });
      expect(await entity(catalog, 'service', 'patient')).toBeUndefined();

      proxy.reset();
      const second = await appOn();
      await second.server.wharfApp.settle();
      expect(await entity(catalog, 'service', 'patient')).toMatchObject({ properties: { readme: '# patient\n' } });
      await second.close({ keepData: true });
    } finally {
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
