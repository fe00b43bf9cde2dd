import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_CREDENTIALS, type TestCatalog } from '../../helpers/catalog-server.ts';
import { type FakeGithub, startFakeGithub } from '../../helpers/fake-github.ts';
import { deliverWebhook, releaseGithub } from '../../helpers/github-app.ts';
import { entity, identifiers, recordedPayload, settled, startSyncCatalog } from './sync-helpers.ts';

let github: FakeGithub;
let catalog: TestCatalog;
const warnings: string[] = [];
let nextId = 50_000;
let nextInstallation = 7000;

/**
 * An organization of its own (so tests do not see each other's repositories) with `count` repositories, named
 * after it (identifiers are repository names, so they must not meet across organizations either).
 */
function organization(login: string, count: number): number {
  const installationId = nextInstallation++;
  github.addInstallation(login, installationId);
  for (let index = 0; index < count; index++) {
    const name = `${login}-${String(index).padStart(4, '0')}`;
    github.addRepository({
      id: nextId++,
      name,
      owner: login,
      language: index % 2 === 0 ? 'TypeScript' : 'Go',
      files: {
        'README.md': `# ${name}\n`,
        ...(index % 3 === 0 && { CODEOWNERS: `* @${login}/team-${index % 5}\n` }),
      },
    });
  }
  return installationId;
}

async function resync(owner?: string, token = TEST_CREDENTIALS.clientSecret) {
  const response = await fetch(`${catalog.url}/api/resync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: owner === undefined ? '' : JSON.stringify({ owner }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function resyncOf(owner: string): Promise<Record<string, unknown>> {
  const answer = await resync(owner);
  expect(answer.status).toBe(202);
  const [ticket] = answer.body.resyncs as Array<{ resyncId: number }>;
  await settled(catalog);
  const record = await fetch(`${catalog.url}/api/resync/${ticket!.resyncId}`, {
    headers: { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}` },
  });
  return ((await record.json()) as { resync: Record<string, unknown> }).resync;
}

const servicesOf = async (prefix: string) =>
  (await identifiers(catalog, 'service')).filter((identifier) => identifier.startsWith(prefix));

beforeAll(async () => {
  github = await startFakeGithub();
  catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  // Importing the helper loads nock, which patches Node's modules for the whole worker: give them back.
  releaseGithub();
});

describe('POST /api/resync', () => {
  test('takes the Port client secret as a bearer token, and nothing else', async () => {
    organization('auth-org', 1);
    expect((await resync(undefined, 'wrong')).status).toBe(401);
    const missing = await fetch(`${catalog.url}/api/resync`, { method: 'POST' });
    expect(missing.status).toBe(401);
    expect((await resync('nobody-installed-here')).status).toBe(404);
    expect((await resync('auth-org')).status).toBe(202);
    await settled(catalog);
  });

  test('reads 250 repositories in 3 GraphQL pages with their files and writes them with the bulk route', async () => {
    organization('paged', 250);
    github.reset();
    const record = await resyncOf('paged');
    expect(record).toMatchObject({ state: 'completed', pages: 3, repositories: 250, entities: 250, errors: 0 });
    expect(github.pageCursors()).toHaveLength(3);
    // The configuration (one query for .github-private and .github) and the three pages: nothing per repository.
    expect(github.requests.filter((request) => request.path === '/graphql')).toHaveLength(4);
    const first = await entity(catalog, 'service', 'paged-0000');
    expect(first).toMatchObject({
      properties: { readme: '# paged-0000\n', codeowners: '* @paged/team-0\n', language: 'TypeScript' },
    });
    expect((await entity(catalog, 'service', 'paged-0249'))!.properties.url).toBe(
      'https://github.com/paged/paged-0249',
    );
  });

  test('every installation with no owner given', async () => {
    organization('everyone', 2);
    const answer = await resync();
    expect(answer.status).toBe(202);
    const owners = (answer.body.resyncs as Array<{ owner: string }>).map((ticket) => ticket.owner);
    expect(owners).toContain('everyone');
    await settled(catalog);
  });

  test('installation created starts a resync', async () => {
    const installationId = organization('installed', 3);
    const recorded = recordedPayload('installation', 'created');
    const payload = {
      ...recorded,
      installation: { ...(recorded.installation as object), id: installationId, account: { login: 'installed' } },
    };
    const response = await deliverWebhook(catalog.url, 'installation', payload);
    expect(response.status).toBe(200);
    await settled(catalog);
    expect(await catalog.server.wharfApp.sync!.store.latestResync(installationId)).toMatchObject({
      state: 'completed',
      reason: 'installation created',
      repositories: 3,
    });
  });
});

describe('the schedule', () => {
  test('resyncs every installation every resyncIntervalMs', async () => {
    const fake = await startFakeGithub();
    fake.addInstallation('scheduled', 4242);
    fake.addRepository({ id: 1, name: 'on-schedule', owner: 'scheduled', files: {} });
    const scheduled = await startSyncCatalog(fake, { resyncIntervalMs: 200 });
    try {
      const store = scheduled.server.wharfApp.sync!.store;
      while ((await store.latestResync(4242))?.state !== 'completed') {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await store.latestResync(4242)).toMatchObject({ reason: 'schedule', repositories: 1 });
    } finally {
      await scheduled.close();
      await fake.close();
    }
  });
});

describe('entities gone from GitHub', () => {
  test('are deleted after a resync without errors; entities the App did not write are left alone', async () => {
    organization('shrinking', 10);
    await resyncOf('shrinking');
    await catalog.api('POST', '/v1/blueprints/service/entities', { identifier: 'hand-made', properties: {} });
    github.removeRepository('shrinking', 'shrinking-0003');
    github.removeRepository('shrinking', 'shrinking-0007');
    const record = await resyncOf('shrinking');
    expect(record).toMatchObject({ state: 'completed', deleted: 2 });
    expect(await entity(catalog, 'service', 'shrinking-0003')).toBeUndefined();
    expect(await entity(catalog, 'service', 'shrinking-0007')).toBeUndefined();
    expect(await entity(catalog, 'service', 'shrinking-0004')).toBeDefined();
    expect(await entity(catalog, 'service', 'hand-made')).toBeDefined();
  });

  test('are kept when more than entityDeletionThreshold of them would go', async () => {
    organization('vanishing', 20);
    await resyncOf('vanishing');
    expect(await servicesOf('vanishing-')).toHaveLength(20);
    // 19 of 20 is 0.95 of them, more than the default threshold of 0.9.
    for (let index = 1; index < 20; index++) {
      github.removeRepository('vanishing', `vanishing-${String(index).padStart(4, '0')}`);
    }
    warnings.length = 0;
    const record = await resyncOf('vanishing');
    expect(record).toMatchObject({ state: 'completed', deleted: 0 });
    expect(record.message).toMatch(/deletion skipped for service \(threshold\)/);
    expect(warnings.join('\n')).toMatch(
      /19 of the 20 service entities it wrote before are gone from GitHub; that is more than entityDeletionThreshold \(0\.9\)/,
    );
    expect(await servicesOf('vanishing-')).toHaveLength(20);
  });

  test('are kept after a resync with errors', async () => {
    const installationId = nextInstallation++;
    github.addInstallation('failing', installationId);
    for (let index = 0; index < 4; index++) {
      github.addRepository({ id: nextId++, name: `fail-${index}`, owner: 'failing', files: {} });
    }
    await resyncOf('failing');
    github.removeRepository('failing', 'fail-0');
    // A repository whose name Port refuses as an identifier: one error, so the resync deletes nothing.
    github.addRepository({ id: nextId++, name: 'fail..', owner: 'failing', files: {} });
    github.addRepository({ id: nextId++, name: '..', owner: 'failing', files: {} });
    const record = await resyncOf('failing');
    expect(record).toMatchObject({ state: 'completed', deleted: 0 });
    expect(record.errors).toBeGreaterThan(0);
    expect(record.message).toMatch(/nothing deleted after a resync with errors/);
    expect(await entity(catalog, 'service', 'fail-0')).toBeDefined();
  });

  test('are kept after a resync that failed', async () => {
    const installationId = nextInstallation++;
    github.addInstallation('broken-github', installationId);
    for (let index = 0; index < 3; index++) {
      github.addRepository({ id: nextId++, name: `broken-${index}`, owner: 'broken-github', files: {} });
    }
    await resyncOf('broken-github');
    github.removeRepository('broken-github', 'broken-0');
    github.fault({
      match: (request) => request.operation === 'WharfRepositoryPage' && request.variables?.owner === 'broken-github',
      answer: { status: 404, body: { message: 'Not Found' } },
    });
    const record = await resyncOf('broken-github');
    expect(record).toMatchObject({ state: 'failed', deleted: 0 });
    expect(await entity(catalog, 'service', 'broken-0')).toBeDefined();
  });
});

describe('rate limits', () => {
  test('a secondary rate limit waits as long as Retry-After says, then goes on', async () => {
    organization('limited', 150);
    github.reset();
    github.fault({
      match: (request) => request.operation === 'WharfRepositoryPage' && request.variables?.after !== null,
      answer: {
        status: 403,
        headers: { 'retry-after': '1' },
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      },
    });
    const started = Date.now();
    const record = await resyncOf('limited');
    expect(record).toMatchObject({ state: 'completed', repositories: 150, errors: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(github.pageCursors()).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/GitHub asked to retry after 1 s/);
  });

  test('an exhausted quota waits for x-ratelimit-reset', async () => {
    organization('exhausted', 1);
    github.reset();
    github.fault({
      match: (request) => request.operation === 'WharfRepositoryPage' && request.variables?.owner === 'exhausted',
      answer: {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) },
        body: { message: 'API rate limit exceeded' },
      },
    });
    const record = await resyncOf('exhausted');
    expect(record).toMatchObject({ state: 'completed', repositories: 1 });
    expect(github.pageCursors()).toHaveLength(2);
  });
});

describe('a resync cut short', () => {
  test('goes on from the last page written when the App starts again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-resync-'));
    const fake = await startFakeGithub();
    try {
      fake.addInstallation('crashing', 4242);
      for (let index = 0; index < 250; index++) {
        fake.addRepository({ id: 90_000 + index, name: `crash-${index}`, owner: 'crashing', files: {} });
      }
      // The third page never answers: the process stops while it waits for it.
      fake.fault({
        match: (request) => request.operation === 'WharfRepositoryPage' && fake.pageCursors().length === 3,
        answer: { hang: true },
      });
      const first = await startSyncCatalog(fake, {}, { dataDir });
      const started = await fetch(`${first.url}/api/resync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}` },
        body: JSON.stringify({ owner: 'crashing' }),
      });
      expect(started.status).toBe(202);
      while (fake.pageCursors().length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      const [, secondCursor, thirdCursor] = fake.pageCursors();
      expect(secondCursor).not.toBeNull();
      await first.close({ keepData: true });
      expect((await identifiersOn(first.url, first.token)).length).toBe(0);

      fake.reset();
      const second = await startSyncCatalog(fake, {}, { dataDir });
      await settled(second);
      // Pages 1 and 2 were written before the stop: the resync goes on with page 3.
      expect(fake.pageCursors()).toEqual([thirdCursor]);
      const record = await second.server.wharfApp.sync!.store.latestResync(4242);
      expect(record).toMatchObject({ state: 'completed', pages: 3, repositories: 250, errors: 0 });
      const services = await second.api<{ entities: unknown[] }>('GET', '/v1/blueprints/service/entities');
      expect(services.body.entities).toHaveLength(250);
      await second.close();
    } finally {
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** A closed server answers nothing: its entities are read again from the next one. */
async function identifiersOn(url: string, token: string): Promise<string[]> {
  try {
    const response = await fetch(`${url}/v1/blueprints/service/entities`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await response.json()) as { entities: Array<{ identifier: string }> }).entities.map((e) => e.identifier);
  } catch {
    return [];
  }
}
