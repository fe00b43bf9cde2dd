/** Shared by the catalog sync tests: the server on a fake GitHub, recorded payloads made to fit it, waiting. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SyncSettings } from '../../../app/sync/index.ts';
import { startTestCatalog, TEST_CREDENTIALS, type TestCatalog } from '../../helpers/catalog-server.ts';
import type { FakeGithub, FakeRepository } from '../../helpers/fake-github.ts';
import { createTestProbot, deliverWebhook } from '../../helpers/github-app.ts';

export const OWNER = 'acme';
export const INSTALLATION = 4242;

const require = createRequire(import.meta.url);
const examples = JSON.parse(
  readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
) as Array<{ name: string; examples: Array<Record<string, unknown>> }>;

/** A recorded payload of `event` (with `action`, if given), deep-copied. */
export function recordedPayload(event: string, action?: string): Record<string, unknown> {
  const found = examples
    .find((definition) => definition.name === event)!
    .examples.find((example) => action === undefined || example.action === action);
  if (!found) throw new Error(`no recorded ${event}.${action}`);
  return structuredClone(found);
}

/**
 * A recorded payload of `event` (with `action`) about `repository` of the fake GitHub, with `changes` over it and
 * the installation the recordings lack.
 */
export function recordedEvent(
  event: string,
  action: string | undefined,
  repository: FakeRepository,
  installationId: number,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...recordedPayload(event, action),
    ...changes,
    repository: repositoryObject(repository),
    organization: { login: repository.owner },
    installation: { id: installationId },
  };
}

/** The recorded repository object turned into `repository` of the fake GitHub (REST shape, as webhooks send it). */
export function repositoryObject(repository: FakeRepository): Record<string, unknown> {
  const recorded = recordedPayload('repository', 'created').repository as Record<string, unknown>;
  const owner = recorded.owner as Record<string, unknown>;
  const visibility = repository.visibility ?? (repository.private ? 'private' : 'public');
  return {
    ...recorded,
    id: repository.id,
    node_id: `R_${repository.id}`,
    name: repository.name,
    full_name: `${repository.owner}/${repository.name}`,
    owner: { ...owner, login: repository.owner },
    html_url: `https://github.com/${repository.owner}/${repository.name}`,
    description: repository.description ?? null,
    language: repository.language ?? null,
    topics: repository.topics ?? [],
    archived: repository.archived ?? false,
    private: visibility !== 'public',
    visibility,
    default_branch: repository.defaultBranch ?? 'main',
    pushed_at: repository.pushedAt ?? '2025-06-01T12:00:00Z',
  };
}

/** A `repository` event for the fake repository, with the installation the recordings lack. */
export function repositoryEvent(
  action: string,
  repository: FakeRepository,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...recordedPayload('repository', action === 'renamed' || action === 'transferred' ? action : 'edited'),
    action,
    repository: repositoryObject(repository),
    installation: { id: INSTALLATION },
    ...extra,
  };
}

/** A push of one commit to the default branch of the fake repository. */
export function pushEvent(
  repository: FakeRepository,
  after: string,
  files: { added?: string[]; modified?: string[]; removed?: string[] },
): Record<string, unknown> {
  const recorded = recordedPayload('push');
  const commit = { id: after, message: 'change', added: [], modified: [], removed: [], ...files };
  return {
    ...recorded,
    ref: `refs/heads/${repository.defaultBranch ?? 'main'}`,
    before: '0'.repeat(40),
    after,
    created: false,
    deleted: false,
    commits: [commit],
    head_commit: commit,
    repository: { ...repositoryObject(repository), pushed_at: 1_750_000_000, master_branch: 'main' },
    installation: { id: INSTALLATION },
  };
}

export async function startSyncCatalog(
  github: FakeGithub,
  sync: Partial<SyncSettings> = {},
  options: { dataDir?: string; warn?: (message: string) => void } = {},
): Promise<TestCatalog> {
  return startTestCatalog({
    probot: createTestProbot({ baseUrl: github.url }),
    app: { sync: { resyncIntervalMs: 0, ...sync } },
    ...(options.dataDir && { dataDir: options.dataDir }),
    ...(options.warn && { warn: options.warn }),
  });
}

/** Waits until live events, resyncs and the outbox are all done. */
export async function settled(catalog: TestCatalog): Promise<void> {
  const app = catalog.server.wharfApp;
  await app.sync!.idle();
  await app.settle();
  await app.sync!.idle();
}

/** Delivers `payload` as `event` (answered 200, or an error) and waits until all it causes is done. */
export async function deliverSettled(catalog: TestCatalog, event: string, payload: unknown): Promise<void> {
  const response = await deliverWebhook(catalog.url, event, payload);
  if (response.status !== 200) throw new Error(`the ${event} delivery was answered ${response.status}`);
  await settled(catalog);
}

export interface TestEntity {
  identifier: string;
  title?: string;
  blueprint: string;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
}

export async function entity(
  catalog: TestCatalog,
  blueprint: string,
  identifier: string,
): Promise<TestEntity | undefined> {
  const response = await catalog.api<{ entity: TestEntity }>(
    'GET',
    `/v1/blueprints/${blueprint}/entities/${encodeURIComponent(identifier)}`,
  );
  return response.status === 200 ? response.body.entity : undefined;
}

export async function identifiers(catalog: TestCatalog, blueprint: string): Promise<string[]> {
  const response = await catalog.api<{ entities: TestEntity[] }>('GET', `/v1/blueprints/${blueprint}/entities`);
  if (response.status !== 200) return [];
  return response.body.entities.map((item) => item.identifier).sort();
}

/** Starts a full resync of `owner` (POST /api/resync), waits for it, and answers its record. */
export async function resyncOwner(catalog: TestCatalog, owner: string): Promise<Record<string, unknown>> {
  const headers = { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}` };
  const response = await fetch(`${catalog.url}/api/resync`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ owner }),
  });
  if (response.status !== 202) throw new Error(`POST /api/resync answered ${response.status}`);
  const [ticket] = ((await response.json()) as { resyncs: Array<{ resyncId: number }> }).resyncs;
  await settled(catalog);
  const record = await fetch(`${catalog.url}/api/resync/${ticket!.resyncId}`, { headers });
  return ((await record.json()) as { resync: Record<string, unknown> }).resync;
}

/** Creates a blueprint whose properties are strings, with `relations`. */
export async function stringBlueprint(
  catalog: TestCatalog,
  identifier: string,
  properties: readonly string[],
  relations: Record<string, unknown> = {},
): Promise<void> {
  await catalog.api('POST', '/v1/blueprints', {
    identifier,
    title: identifier,
    schema: { properties: Object.fromEntries(properties.map((name) => [name, { type: 'string' }])) },
    relations,
  });
}
