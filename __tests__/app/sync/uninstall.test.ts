/**
 * The App leaves an account (installation deleted) or some of its repositories (installation_repositories
 * removed): the entities it wrote for them are deleted, within entityDeletionThreshold.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { removalPlan } from '../../../app/sync/live/account-removal.ts';
import type { TrackedRow } from '../../../app/state/index.ts';
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
  recordedPayload,
  repositoryEvent,
  settled,
  startSyncCatalog,
} from './sync-helpers.ts';

const OTHER = 'globex';
const OTHER_INSTALLATION = 4343;

let github: FakeGithub;
let catalog: TestCatalog;
const warnings: string[] = [];
let nextId = 7000;

function repository(owner: string, name: string): FakeRepository {
  return github.addRepository({ id: nextId++, name, owner, files: { 'README.md': `# ${name}\n` } });
}

/** A recorded `installation` event of `action`, for the installation on `owner`. */
function installationEvent(action: 'created' | 'deleted', owner: string, id: number): Record<string, unknown> {
  const recorded = recordedPayload('installation', action);
  const installation = recorded.installation as Record<string, unknown>;
  return {
    ...recorded,
    installation: { ...installation, id, account: { ...(installation.account as object), login: owner } },
  };
}

async function deliver(event: string, payload: unknown): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(OWNER, INSTALLATION);
  github.addInstallation(OTHER, OTHER_INSTALLATION);
  for (const name of ['anvil', 'rocket', 'magnet']) repository(OWNER, name);
  for (const name of ['widget', 'gadget']) repository(OTHER, name);
  catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

describe('installed on two accounts, each resynced', () => {
  test('install: every repository of both accounts is a service', async () => {
    await deliver('installation', installationEvent('created', OWNER, INSTALLATION));
    await deliver('installation', installationEvent('created', OTHER, OTHER_INSTALLATION));
    expect(await identifiers(catalog, 'service')).toEqual(['anvil', 'gadget', 'magnet', 'rocket', 'widget']);
  });

  test('uninstalled from one account: its entities are deleted, without asking GitHub, and the other keeps its own', async () => {
    github.reset();
    github.removeRepository(OTHER, 'widget');
    github.removeRepository(OTHER, 'gadget');
    await deliver('installation', installationEvent('deleted', OTHER, OTHER_INSTALLATION));
    expect(await identifiers(catalog, 'service')).toEqual(['anvil', 'magnet', 'rocket']);
    expect(github.requests).toEqual([]);
  });

  test('repositories removed from the installation: their entities are deleted', async () => {
    const recorded = recordedPayload('installation_repositories', 'removed');
    const anvil = github.repository(OWNER, 'anvil');
    await deliver('installation_repositories', {
      ...recorded,
      installation: { ...(recorded.installation as object), id: INSTALLATION, account: { login: OWNER } },
      repositories_added: [],
      repositories_removed: [{ id: anvil.id, node_id: `R_${anvil.id}`, name: 'anvil', full_name: 'acme/anvil' }],
    });
    expect(await identifiers(catalog, 'service')).toEqual(['magnet', 'rocket']);
  });

  test('uninstalled from the last account: deleting all the App keeps is above the threshold, so it is skipped with a warning', async () => {
    await deliver('installation', installationEvent('deleted', OWNER, INSTALLATION));
    expect(await identifiers(catalog, 'service')).toEqual(['magnet', 'rocket']);
    expect(warnings).toContainEqual(
      'catalog sync: the App was uninstalled from acme: deleting its 2 service entities would delete more than entityDeletionThreshold (0.9) of the 2 the App keeps, so none is deleted',
    );
  });
});

describe("the account's last configuration applies, GitHub no longer answering for it", () => {
  test('entityDeletionThreshold 1 in its organization configuration: an uninstall deletes all it wrote', async () => {
    await catalog.api('POST', '/v1/blueprints', {
      identifier: 'product',
      title: 'Product',
      schema: { properties: {} },
    });
    github.addInstallation('initech', 4444);
    for (const name of ['tps', 'reports']) repository('initech', name);
    github.addRepository({
      id: nextId++,
      name: '.github',
      owner: 'initech',
      files: {
        '.github/port-app-config.yml': `entityDeletionThreshold: 1
resources:
  - kind: repository
    selector:
      query: '.name != ".github"'
    port:
      entity:
        mappings:
          identifier: .name
          title: .name
          blueprint: '"product"'
          properties: {}
`,
      },
    });
    await deliver('installation', installationEvent('created', 'initech', 4444));
    expect(await identifiers(catalog, 'product')).toEqual(['reports', 'tps']);

    // GitHub forgets the account (and would refuse the App a token for it).
    github.fault({ match: () => true, times: 1000, answer: { status: 404, body: { message: 'Not Found' } } });
    await deliver('installation', installationEvent('deleted', 'initech', 4444));
    expect(await identifiers(catalog, 'product')).toEqual([]);
    expect(await identifiers(catalog, 'service')).toEqual(['magnet', 'rocket']);
    github.reset();
  });
});

describe('events under way when the App is uninstalled', () => {
  test('a live event still reading GitHub as the uninstall arrives writes nothing', async () => {
    github.addInstallation('umbrella', 4646);
    const late = repository('umbrella', 'hive');
    github.latencyMs = 300;
    try {
      const created = { ...repositoryEvent('created', late), installation: { id: 4646 } };
      expect((await deliverWebhook(catalog.url, 'repository', created)).status).toBe(200);
      await deliver('installation', installationEvent('deleted', 'umbrella', 4646));
    } finally {
      github.latencyMs = 0;
    }
    expect(await entity(catalog, 'service', 'hive')).toBeUndefined();
    expect(warnings).toContain(
      'catalog sync: a write of installation 4646 is dropped: the App was uninstalled from it',
    );
  });
});

describe('Port down when the App is uninstalled', () => {
  test('a write of the account still in the outbox lands, then is deleted', async () => {
    const proxy = await startFaultProxy(catalog.url);
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-uninstall-'));
    try {
      const app = await startTestCatalog({
        dataDir,
        portBaseUrl: proxy.url,
        probot: createTestProbot({ baseUrl: github.url }),
        app: { sync: { resyncIntervalMs: 0 } },
      });
      github.addInstallation('hooli', 4545);
      const pending = repository('hooli', 'nucleus');
      proxy.inject({ path: /.*/, times: 10_000, action: { status: 503 } });
      const created = { ...repositoryEvent('created', pending), installation: { id: 4545 } };
      expect((await deliverWebhook(app.url, 'repository', created)).status).toBe(200);
      await app.server.wharfApp.sync!.idle();
      expect(await app.server.wharfApp.state.outbox.depth()).toBe(1);
      const deleted = installationEvent('deleted', 'hooli', 4545);
      expect((await deliverWebhook(app.url, 'installation', deleted)).status).toBe(200);
      await app.server.wharfApp.sync!.idle();

      proxy.reset();
      await app.server.wharfApp.settle();
      expect(await app.server.wharfApp.state.outbox.depth()).toBe(0);
      expect(await entity(catalog, 'service', 'nucleus')).toBeUndefined();
      await app.close();
    } finally {
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('removalPlan', () => {
  const row = (identifier: string, repoId: number, blueprint = 'service'): TrackedRow => ({
    blueprint,
    identifier,
    kind: 'repository',
    repoId,
    item: '',
    installationId: 1,
  });

  test('a blueprint is skipped when the entities that go are more than the threshold of those kept', () => {
    const going = [row('a', 1), row('b', 2), row('x', 1, 'team')];
    const kept = (blueprint: string) => (blueprint === 'service' ? 4 : 1);
    expect(removalPlan(going, () => 1, kept, 0.5)).toEqual([{ blueprint: 'team', going: 1, kept: 1 }]);
    expect(removalPlan(going, () => 1, kept, 0.4)).toEqual([
      { blueprint: 'service', going: 2, kept: 4 },
      { blueprint: 'team', going: 1, kept: 1 },
    ]);
    expect(removalPlan(going, () => 1, kept, 1)).toEqual([]);
  });

  test('an entity another source still claims does not count as going', () => {
    const claims = (entity: { identifier: string }) => (entity.identifier === 'a' ? 2 : 1);
    expect(removalPlan([row('a', 1), row('b', 1)], claims, () => 2, 0.5)).toEqual([]);
    expect(removalPlan([row('a', 1), row('a', 2)], claims, () => 1, 0.5)).toEqual([
      { blueprint: 'service', going: 1, kept: 1 },
    ]);
  });
});
