import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../../helpers/catalog-server.ts';
import { type OceanEntity, OceanClient, oceanLogRecord } from './ocean-client.ts';

/**
 * A whole Ocean resync, in the order Ocean makes its requests: register at start-up, create the default blueprint,
 * report the resync running, upsert in bulk, read its own entities, delete the stale ones, report it completed.
 * Run twice: the second resync no longer sees one repository, which must go, and leaves others' entities alone.
 */
let catalog: TestCatalog;
let ocean: OceanClient;

beforeAll(async () => {
  catalog = await startTestCatalog();
  ocean = new OceanClient(catalog.url, TEST_CREDENTIALS, { type: 'github', version: '2.0.0', identifier: 'acme-gh' });
});
afterAll(async () => catalog.close());

const repositoryBlueprint = {
  identifier: 'githubRepository',
  title: 'Repository',
  schema: { properties: { url: { type: 'string', format: 'url' }, language: { type: 'string' } } },
  relations: {},
};

const repository = (name: string, language: string): OceanEntity => ({
  identifier: name,
  blueprint: 'githubRepository',
  title: name,
  properties: { url: `https://github.com/acme/${name}`, language },
  relations: {},
});

/** One resync: what Ocean does with the repositories the third party answers this time. */
async function resync(repositories: OceanEntity[]): Promise<{ stale: string[] }> {
  const running = await ocean.updateIntegrationState({
    status: 'running',
    lastResyncEnd: null,
    lastResyncStart: new Date().toISOString(),
    nextResync: null,
    intervalInMinuets: null,
  });
  expect(running.status).toBe(200);

  const upserted = await ocean.upsertEntitiesBulk('githubRepository', repositories);
  expect(upserted.status).toBe(200);
  expect(upserted.body.errors).toEqual([]);

  const own = await ocean.datasourceEntities('exporter');
  expect(own.status).toBe(200);
  const seen = new Set(repositories.map((entity) => `${entity.blueprint}/${entity.identifier}`));
  const stale = own.body.entities.filter((entity) => !seen.has(`${entity.blueprint}/${entity.identifier}`));
  for (const entity of stale) expect((await ocean.deleteEntity(entity)).status).toBe(200);

  await ocean.ingestLogs((running.body.integration.logAttributes as { ingestUrl: string }).ingestUrl, [
    oceanLogRecord(`resync of ${repositories.length} repositories done, ${stale.length} stale deleted`),
  ]);
  const completed = await ocean.updateIntegrationState({
    status: 'completed',
    lastResyncEnd: new Date().toISOString(),
    nextResync: null,
    intervalInMinuets: null,
  });
  expect(completed.status).toBe(200);
  return { stale: stale.map((entity) => entity.identifier) };
}

describe('an Ocean integration against the catalog', () => {
  test('registers, resyncs, updates and deletes its own entities, and leaves others alone', async () => {
    // Start-up: what the vendor provisions (nothing), the organization's flags, then its own registration.
    expect((await ocean.provisionEnabled()).body.integrations).toEqual([]);
    expect((await ocean.organization()).body.organization.featureFlags).toEqual([]);
    expect((await ocean.getIntegration()).status).toBe(404);
    const config = {
      resources: [{ kind: 'repository', selector: { query: 'true' }, port: { entity: { mappings: {} } } }],
    };
    expect((await ocean.createIntegration({}, config)).status).toBe(201);
    const blueprint = await ocean.send('POST', '/blueprints', { json: repositoryBlueprint, feature: 'exporter' });
    expect(blueprint.status).toBe(201);

    // Someone else's repository in the same blueprint: no resync of this integration may touch it.
    await catalog.api('POST', '/v1/blueprints/githubRepository/entities', repository('handmade', 'Go'));

    const first = await resync([repository('api', 'Go'), repository('web', 'TypeScript'), repository('ops', 'HCL')]);
    expect(first.stale).toEqual([]);

    const second = await resync([repository('api', 'Rust'), repository('web', 'TypeScript')]);
    expect(second.stale).toEqual(['ops']);

    const left = await catalog.api<{ entities: { identifier: string; properties: { language: string } }[] }>(
      'GET',
      '/v1/blueprints/githubRepository/entities',
    );
    expect(left.body.entities.map((entity) => [entity.identifier, entity.properties.language])).toEqual([
      ['api', 'Rust'],
      ['handmade', 'Go'],
      ['web', 'TypeScript'],
    ]);

    const integration = (await ocean.getIntegration()).body.integration!;
    expect(integration.resyncState).toMatchObject({ status: 'completed' });
    expect(integration.updatedAt).toBe((integration.resyncState as { updatedAt: string }).updatedAt);
    const logs = await ocean.send<{ logs: { message: string }[] }>('GET', '/integration/acme-gh/logs');
    expect(logs.body.logs.map((log) => log.message)).toEqual([
      'resync of 2 repositories done, 1 stale deleted',
      'resync of 3 repositories done, 0 stale deleted',
    ]);
  });
});
