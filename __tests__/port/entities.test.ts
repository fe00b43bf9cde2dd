import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { PortApiError, type PortClient } from '../../src/port/index.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { failureOf, testClient } from './test-client.ts';

let catalog: TestCatalog;
let port: PortClient;
const fetched: string[] = [];

beforeAll(async () => {
  catalog = await startTestCatalog();
  const counting: typeof fetch = (input, init) => {
    fetched.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    return fetch(input, init);
  };
  port = testClient(catalog.url, { fetch: counting }).client;
  await port.upsertBlueprint({ identifier: 'team', title: 'Team', schema: { properties: {} } });
  await port.upsertBlueprint({
    identifier: 'service',
    title: 'Service',
    schema: {
      properties: {
        language: { type: 'string', enum: ['Go', 'Python', 'TypeScript'] },
        stars: { type: 'number' },
        url: { type: 'string', format: 'url' },
      },
    },
    relations: { team: { title: 'Team', target: 'team', required: false, many: false } },
  });
});
afterAll(async () => catalog.close());

describe('upsert, create, get, delete', () => {
  test('upsertEntity creates (created: true), then merges only the fields given (created: false)', async () => {
    const first = await port.upsertEntity('service', {
      identifier: 'billing',
      title: 'Billing',
      properties: { language: 'Go', stars: 3 },
    });
    expect(first.created).toBe(true);
    expect(first.entity).toMatchObject({ identifier: 'billing', blueprint: 'service', title: 'Billing' });

    const second = await port.upsertEntity('service', { identifier: 'billing', properties: { stars: 4 } });
    expect(second.created).toBe(false);
    expect(second.entity.properties).toMatchObject({ language: 'Go', stars: 4 });
    expect(second.entity.title).toBe('Billing');
  });

  test('upsertEntity with merge: false replaces the entity', async () => {
    await port.upsertEntity('service', { identifier: 'ledger', title: 'Ledger', properties: { language: 'Go' } });
    const { entity } = await port.upsertEntity(
      'service',
      { identifier: 'ledger', properties: { stars: 1 } },
      { merge: false },
    );
    expect(entity.properties).toEqual({ stars: 1 });
    expect(entity.title ?? null).toBeNull();
  });

  test('upsertEntity with createMissingRelatedEntities creates the related entity', async () => {
    await port.upsertEntity(
      'service',
      { identifier: 'search', relations: { team: 'platform' } },
      { createMissingRelatedEntities: true },
    );
    expect((await port.getEntity('team', 'platform')).identifier).toBe('platform');
  });

  test('upsertEntity with validationOnly writes nothing', async () => {
    const { entity } = await port.upsertEntity('service', { identifier: 'dry' }, { validationOnly: true });
    expect(entity.identifier).toBe('dry');
    const error = await failureOf(port.getEntity('service', 'dry'));
    expect((error as PortApiError).status).toBe(404);
  });

  test('createEntity refuses an identifier that is taken: 409 identifier_taken', async () => {
    await port.createEntity('team', { identifier: 'payments', title: 'Payments' });
    const error = await failureOf(port.createEntity('team', { identifier: 'payments' }));
    expect(error).toBeInstanceOf(PortApiError);
    expect(error).toMatchObject({ operation: 'createEntity', status: 409, code: 'identifier_taken', attempts: 1 });
    expect(error.message).toMatch(/^createEntity POST \/v1\/blueprints\/team\/entities failed: 409 identifier_taken: /);
  });

  test('identifiers go URL-encoded into paths', async () => {
    const identifier = 'org/repo:main@v1=x+y';
    await port.upsertEntity('team', { identifier, title: 'Odd' });
    fetched.length = 0;
    expect((await port.getEntity('team', identifier)).identifier).toBe(identifier);
    expect(fetched).toEqual([`GET /v1/blueprints/team/entities/${encodeURIComponent(identifier)}`]);
    await port.deleteEntity('team', identifier);
  });

  test('getEntity sends include as repeated include= parameters', async () => {
    const entity = await port.getEntity('service', 'billing', { include: ['identifier', 'properties.language'] });
    expect(entity).toEqual({ identifier: 'billing', properties: { language: 'Go' } });
  });

  test('a missing entity fails with 404 not_found and the server message', async () => {
    const error = (await failureOf(port.getEntity('service', 'nope'))) as PortApiError;
    expect(error).toMatchObject({ status: 404, code: 'not_found', method: 'GET' });
    expect(error.serverMessage).toContain('nope');
    expect(error.traceId).toEqual(expect.any(String));
  });

  test('deleteEntity deletes; with deleteDependents it deletes the dependents too', async () => {
    await port.upsertEntity('team', { identifier: 'gone' });
    await port.deleteEntity('team', 'gone');
    expect(((await failureOf(port.getEntity('team', 'gone'))) as PortApiError).status).toBe(404);

    await port.upsertBlueprint({
      identifier: 'deployment',
      title: 'Deployment',
      schema: { properties: {} },
      relations: { service: { target: 'service', required: true, many: false } },
    });
    await port.upsertEntity('service', { identifier: 'doomed' });
    await port.upsertEntity('deployment', { identifier: 'doomed-prod', relations: { service: 'doomed' } });
    const refused = (await failureOf(port.deleteEntity('service', 'doomed'))) as PortApiError;
    expect(refused).toMatchObject({ status: 403, code: 'has_dependents' });
    await port.deleteEntity('service', 'doomed', { deleteDependents: true });
    expect(((await failureOf(port.getEntity('deployment', 'doomed-prod'))) as PortApiError).status).toBe(404);
  });
});

describe('search', () => {
  beforeAll(async () => {
    await port.upsertBlueprint({
      identifier: 'repo',
      title: 'Repo',
      schema: { properties: { n: { type: 'number' } } },
    });
    const entities = Array.from({ length: 25 }, (_, n) => ({
      blueprint: 'repo',
      identifier: `r${n}`,
      properties: { n },
    }));
    const results = await port.bulkUpsertEntities(entities);
    expect(results.every((result) => result.status === 'created')).toBe(true);
  });

  test('searchEntities answers matches across blueprints, with include', async () => {
    const entities = await port.searchEntities(
      {
        combinator: 'and',
        rules: [
          { property: '$blueprint', operator: '=', value: 'repo' },
          { property: 'n', operator: '<', value: 3 },
        ],
      },
      { include: ['identifier'] },
    );
    expect(entities.map((e) => e.identifier).sort()).toEqual(['r0', 'r1', 'r2']);
    expect(entities[0]).toEqual({ identifier: expect.any(String) });
  });

  test('searchBlueprintEntities follows next through every page', async () => {
    fetched.length = 0;
    const entities = await port.searchBlueprintEntities('repo', { limit: 10 });
    expect(entities.map((e) => e.identifier).sort()).toEqual(Array.from({ length: 25 }, (_, n) => `r${n}`).sort());
    expect(fetched).toEqual(Array(3).fill('POST /v1/blueprints/repo/entities/search'));
  });

  test('searchBlueprintEntities passes the query and include', async () => {
    const entities = await port.searchBlueprintEntities('repo', {
      query: { combinator: 'and', rules: [{ property: 'n', operator: '>=', value: 20 }] },
      include: ['identifier'],
    });
    expect(entities.map((e) => e.identifier).sort()).toEqual(['r20', 'r21', 'r22', 'r23', 'r24']);
  });
});

describe('blueprints', () => {
  test('upsertBlueprint creates, then replaces an existing one; getBlueprint reads it', async () => {
    const first = await port.upsertBlueprint({ identifier: 'env', title: 'Env', schema: { properties: {} } });
    expect(first.created).toBe(true);
    const second = await port.upsertBlueprint({
      identifier: 'env',
      title: 'Environment',
      schema: { properties: { region: { type: 'string' } } },
    });
    expect(second.created).toBe(false);
    const read = await port.getBlueprint('env');
    expect(read).toMatchObject({ identifier: 'env', title: 'Environment' });
    expect(Object.keys(read.schema.properties)).toEqual(['region']);
  });
});
