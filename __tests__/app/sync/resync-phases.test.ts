/**
 * A resync reads the repositories, then every other resource of the configuration in a phase of its own: a phase
 * GitHub will not serve does not stop the others (and the resync then deletes nothing), and a resync cut short in
 * the middle of a phase goes on from that phase's page at the next start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, startFakeGithub } from '../../helpers/fake-github.ts';
import { graphqlTeam, graphqlUser } from '../../helpers/fake-org.ts';
import { fakeSecurity } from '../../helpers/fake-security.ts';
import { deliverWebhook, releaseGithub } from '../../helpers/github-app.ts';
import {
  identifiers,
  recordedPayload,
  resyncOwner,
  settled,
  startSyncCatalog,
  stringBlueprint,
} from './sync-helpers.ts';

const OWNER = 'phased';
const INSTALLATION = 5151;

const CONFIG = `resources:
  - kind: repository
    port:
      entity:
        mappings: { identifier: .name, title: .name, blueprint: '"repo"' }
  - kind: user
    port:
      entity:
        mappings: { identifier: .login, title: .login, blueprint: '"person"' }
  - kind: team
    selector: { members: false }
    port:
      entity:
        mappings: { identifier: .slug, title: .name, blueprint: '"squad"' }
`;

function organization(github: FakeGithub, teams: number): void {
  github.addInstallation(OWNER, INSTALLATION);
  github.addRepository({ id: 51_001, name: '.github', owner: OWNER, files: { '.github/port-app-config.yml': CONFIG } });
  github.addRepository({ id: 51_002, name: 'api', owner: OWNER, files: { 'README.md': '# api\n' } });
  github.setOwnerGraphql(OWNER, {
    membersWithRole: [graphqlUser('ada', 1), graphqlUser('grace', 2)],
    teams: Array.from({ length: teams }, (_, index) => graphqlTeam(OWNER, 700 + index, `squad-${index}`, [])),
  });
}

async function blueprints(catalog: TestCatalog): Promise<void> {
  for (const identifier of ['repo', 'person', 'squad']) await stringBlueprint(catalog, identifier, []);
}

describe('phases', () => {
  let github: FakeGithub;
  let catalog: TestCatalog;
  const warnings: string[] = [];

  beforeAll(async () => {
    github = await startFakeGithub();
    organization(github, 3);
    catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
    await blueprints(catalog);
  });
  afterAll(async () => {
    await catalog.close();
    await github.close();
    releaseGithub();
  });

  test('every resource is read in file order, after the repositories', async () => {
    github.reset();
    expect(await resyncOwner(catalog, OWNER)).toMatchObject({ state: 'completed', errors: 0, repositories: 2 });
    expect(await identifiers(catalog, 'repo')).toEqual(['.github', 'api']);
    expect(await identifiers(catalog, 'person')).toEqual(['ada', 'grace']);
    expect(await identifiers(catalog, 'squad')).toEqual(['squad-0', 'squad-1', 'squad-2']);
    const operations = github.requests.map((request) => request.operation).filter(Boolean);
    expect(operations.indexOf('WharfMembers')).toBeGreaterThan(operations.lastIndexOf('WharfRepositoryPage'));
    expect(operations.indexOf('WharfTeams')).toBeGreaterThan(operations.indexOf('WharfMembers'));
  });

  test('a resource GitHub refuses does not stop the next one, and the resync deletes nothing', async () => {
    github.setOwnerGraphql(OWNER, {
      membersWithRole: [graphqlUser('ada', 1)],
      teams: [graphqlTeam(OWNER, 700, 'squad-0', []), graphqlTeam(OWNER, 799, 'squad-new', [])],
    });
    github.fault({
      match: (request) => request.operation === 'WharfMembers',
      times: 10,
      answer: { status: 403, body: { message: 'Resource not accessible by integration' } },
    });
    warnings.length = 0;
    const record = await resyncOwner(catalog, OWNER);
    expect(record).toMatchObject({ state: 'completed', errors: 1, deleted: 0 });
    expect(String(record.message)).toMatch(/nothing deleted after a resync with errors/);
    expect(warnings.join('\n')).toMatch(/resources\[1\] \(user\): .*Resource not accessible by integration/);
    // The teams were read all the same; what went (grace, squad-1, squad-2) stays until a resync without errors.
    expect(await identifiers(catalog, 'squad')).toEqual(['squad-0', 'squad-1', 'squad-2', 'squad-new']);
    expect(await identifiers(catalog, 'person')).toEqual(['ada', 'grace']);

    github.reset();
    expect(await resyncOwner(catalog, OWNER)).toMatchObject({ state: 'completed', errors: 0, deleted: 3 });
    expect(await identifiers(catalog, 'person')).toEqual(['ada']);
    expect(await identifiers(catalog, 'squad')).toEqual(['squad-0', 'squad-new']);
  });
});

describe('live events of kinds', () => {
  test('an event of a kind no resource in force maps reads nothing from GitHub', async () => {
    const github = await startFakeGithub();
    const catalog = await startSyncCatalog(github);
    try {
      organization(github, 1);
      const repository = recordedPayload('create').repository as Record<string, unknown>;
      const created = {
        ...recordedPayload('create'),
        ref: 'v1.0.0',
        ref_type: 'tag',
        repository: { ...repository, id: 51_002, name: 'api', owner: { login: OWNER } },
        organization: { login: OWNER },
        installation: { id: INSTALLATION },
      };
      // The first event reads the configuration (one query); it maps no tags, so nothing else is read.
      expect((await deliverWebhook(catalog.url, 'create', created)).status).toBe(200);
      await settled(catalog);
      const reads = github.requests.filter((request) => !request.path.endsWith('/access_tokens'));
      expect(reads.map((request) => request.operation)).toEqual(['WharfRepositories']);
      // The next ones know it from the cache: no request at all.
      github.reset();
      for (let i = 0; i < 5; i++) expect((await deliverWebhook(catalog.url, 'create', created)).status).toBe(200);
      await settled(catalog);
      expect(github.requests).toEqual([]);
    } finally {
      await catalog.close();
      await github.close();
      releaseGithub();
    }
  });
});

describe('a resync cut short in a phase', () => {
  test('goes on from that phase and page when the App starts again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-phases-'));
    const github = await startFakeGithub();
    try {
      organization(github, 150);
      // The second page of teams never answers: the process stops while it waits for it.
      github.fault({
        match: (request) => request.operation === 'WharfTeams' && request.variables?.after != null,
        answer: { hang: true },
      });
      const first = await startSyncCatalog(github, {}, { dataDir });
      await blueprints(first);
      const started = await first.server.wharfApp.sync!.resyncs.request(INSTALLATION, OWNER, 'test');
      expect(started.state).toBe('started');
      const teamPages = () => github.requests.filter((request) => request.operation === 'WharfTeams');
      while (teamPages().length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      await first.close({ keepData: true });

      github.reset();
      const second = await startSyncCatalog(github, {}, { dataDir });
      await settled(second);
      // Neither the repositories, nor the users, nor the first page of teams are read again.
      expect(github.pageCursors()).toEqual([]);
      expect(github.requests.filter((request) => request.operation === 'WharfMembers')).toEqual([]);
      expect(teamPages()).toHaveLength(1);
      expect(teamPages()[0]!.variables?.after).not.toBeNull();
      const record = await second.server.wharfApp.sync!.store.latestResync(INSTALLATION);
      expect(record).toMatchObject({ state: 'completed', errors: 0 });
      expect(await identifiers(second, 'squad')).toHaveLength(150);
      expect(await identifiers(second, 'person')).toEqual(['ada', 'grace']);
      await second.close();
    } finally {
      await github.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the repositories a later phase needs', () => {
  const owner = 'listed-once';
  const installation = 5252;
  const config = `resources:
  - kind: repository
    port:
      entity:
        mappings: { identifier: .name, title: .name, blueprint: '"repo"' }
  - kind: dependabot-alert
    selector: { query: 'true', states: [open] }
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .number | tostring
          blueprint: '"alert"'
`;
  const listings = (github: FakeGithub) =>
    github.requests.filter((request) => request.operation === 'WharfKindRepositories');

  test('are those the repository phase read: listed once per resync, again only by one resumed past it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-listed-'));
    const github = await startFakeGithub();
    try {
      github.addInstallation(owner, installation);
      github.addRepository({ id: 52_001, name: '.github', owner, files: { '.github/port-app-config.yml': config } });
      const security = fakeSecurity(github);
      // Two pages of repositories (the resync's pages are 100), one alert on each page.
      for (let index = 0; index < 150; index++) {
        const repository = github.addRepository({
          id: 52_100 + index,
          name: `svc-${String(index).padStart(3, '0')}`,
          owner,
        });
        if (index === 10 || index === 140) security.dependabotAlert(repository, 1, 'open');
      }
      const first = await startSyncCatalog(github, {}, { dataDir });
      await stringBlueprint(first, 'repo', []);
      await stringBlueprint(first, 'alert', []);
      expect(await resyncOwner(first, owner)).toMatchObject({ state: 'completed', errors: 0, repositories: 151 });
      expect(await identifiers(first, 'alert')).toEqual(['svc-010-1', 'svc-140-1']);
      // The alerts' repositories come from the repository phase's two pages: no listing of them again.
      expect(github.pageCursors()).toHaveLength(2);
      expect(listings(github)).toEqual([]);

      // Cut short in the alerts' phase: the next start has not read the repositories, and lists them.
      github.reset();
      github.fault({ match: (request) => request.path.includes('/dependabot/alerts'), answer: { hang: true } });
      expect((await first.server.wharfApp.sync!.resyncs.request(installation, owner, 'test')).state).toBe('started');
      while (!github.requests.some((request) => request.path.includes('/dependabot/alerts'))) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await first.close({ keepData: true });
      github.reset();
      const second = await startSyncCatalog(github, {}, { dataDir });
      try {
        await settled(second);
        expect(await second.server.wharfApp.sync!.store.latestResync(installation)).toMatchObject({
          state: 'completed',
          errors: 0,
        });
        expect(github.pageCursors()).toEqual([]);
        expect(listings(github)).toHaveLength(2);
        expect(await identifiers(second, 'alert')).toEqual(['svc-010-1', 'svc-140-1']);
      } finally {
        await second.close();
      }
    } finally {
      await github.close();
      releaseGithub();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
