import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { example, startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';

let catalog: TestCatalog;
type Problem = { ok: false; error: string; message: string };
type Entity = {
  identifier: string;
  title: string | null;
  icon?: string;
  blueprint: string;
  team: string[];
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};
type EntityBody = { ok: true; entity: Entity };

beforeAll(async () => {
  catalog = await startTestCatalog();
  const blueprints = [
    { identifier: 'team', title: 'Team', schema: { properties: {} } },
    { identifier: 'domain', title: 'Domain', schema: { properties: {} } },
    {
      ...example<Record<string, unknown>>('blueprint-service.json'),
      relations: {
        team: { title: 'Team', target: 'team', required: false, many: false },
        domain: { title: 'Domain', target: 'domain', required: false, many: false },
      },
    },
    example('blueprint-microservice.json'),
    {
      identifier: 'deployment',
      title: 'Deployment',
      schema: {
        properties: {
          replicas: { type: 'number', default: 1 },
          env: { type: 'string', enum: ['dev', 'prod'] },
          url: { type: 'string', format: 'url' },
          at: { type: 'string', format: 'date-time' },
          tags: { type: 'array', items: { type: 'string' } },
        },
        required: [],
      },
      relations: {
        service: { title: 'Service', target: 'service', required: true, many: false },
        consumers: { title: 'Consumers', target: 'service', required: false, many: true },
      },
    },
  ];
  for (const blueprint of blueprints) {
    const response = await catalog.api('POST', '/v1/blueprints', blueprint);
    if (response.status !== 201) throw new Error(`fixture blueprint refused: ${JSON.stringify(response.body)}`);
  }
});
afterAll(async () => catalog.close());

const userService = () => example<Record<string, unknown>>('entity-service-user-service.json');

describe('create and upsert', () => {
  test('creates the example entity with its related entities, 201', async () => {
    const response = await catalog.api<EntityBody>(
      'POST',
      '/v1/blueprints/service/entities?create_missing_related_entities=true',
      userService(),
    );
    expect(response.status).toBe(201);
    expect(response.body.entity).toMatchObject({
      identifier: 'user-service',
      title: 'User Service',
      blueprint: 'service',
      team: [],
      properties: userService().properties as object,
      relations: { team: 'backend-team', domain: 'authentication' },
      createdBy: 'test-client',
    });
    expect((await catalog.api('GET', '/v1/blueprints/team/entities/backend-team')).status).toBe(200);
    expect((await catalog.api('GET', '/v1/blueprints/domain/entities/authentication')).status).toBe(200);
  });

  test('creating it again without upsert is 409 identifier_taken', async () => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/service/entities', userService());
    expect(response.status).toBe(409);
    expect(response.body.error).toBe('identifier_taken');
  });

  test('upsert replaces: fields not given are dropped, 200', async () => {
    const response = await catalog.api<EntityBody>('POST', '/v1/blueprints/service/entities?upsert=true', {
      identifier: 'user-service',
      properties: { name: 'Users', owner: 'platform', lifecycle: 'Staging' },
    });
    expect(response.status).toBe(200);
    expect(response.body.entity.title).toBeNull();
    expect(response.body.entity.properties).toEqual({ name: 'Users', owner: 'platform', lifecycle: 'Staging' });
    expect(response.body.entity.relations).toEqual({});
  });

  test('upsert with merge changes only the given fields', async () => {
    await catalog.api('POST', '/v1/blueprints/service/entities?upsert=true', userService());
    const before = (await catalog.api<EntityBody>('GET', '/v1/blueprints/service/entities/user-service')).body.entity;
    const response = await catalog.api<EntityBody>('POST', '/v1/blueprints/service/entities?upsert=true&merge=true', {
      identifier: 'user-service',
      team: 'backend',
      properties: { tier: 'Internal', description: null },
    });
    expect(response.status).toBe(200);
    const after = response.body.entity;
    expect(after.title).toBe('User Service');
    expect(after.team).toEqual(['backend']);
    expect(after.properties).toEqual({ ...before.properties, tier: 'Internal', description: undefined });
    expect('description' in after.properties).toBe(false);
    expect(after.relations).toEqual(before.relations);
    expect(after.createdAt).toBe(before.createdAt);
  });

  test('validation_only answers as a write would and writes nothing', async () => {
    const response = await catalog.api<EntityBody>('POST', '/v1/blueprints/service/entities?validation_only=true', {
      identifier: 'dry',
      properties: { name: 'Dry', owner: 'x', lifecycle: 'Development' },
    });
    expect(response.status).toBe(201);
    expect(response.body.entity.identifier).toBe('dry');
    expect((await catalog.api('GET', '/v1/blueprints/service/entities/dry')).status).toBe(404);
    const invalid = await catalog.api<Problem>('POST', '/v1/blueprints/service/entities?validation_only=true', {
      identifier: 'dry',
      properties: { name: 'Dry' },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error).toBe('blueprint_schema_mismatch');
  });

  test('generates an identifier when none is given', async () => {
    const response = await catalog.api<EntityBody>('POST', '/v1/blueprints/team/entities', { title: 'Nameless' });
    expect(response.status).toBe(201);
    expect(response.body.entity.identifier).toMatch(/^e_[A-Za-z0-9]{16}$/);
    const read = await catalog.api<EntityBody>(
      'GET',
      `/v1/blueprints/team/entities/${response.body.entity.identifier}`,
    );
    expect(read.body.entity.title).toBe('Nameless');
  });

  test('applies blueprint defaults and ignores an extra blueprint key in the body', async () => {
    const response = await catalog.api<EntityBody>('POST', '/v1/blueprints/deployment/entities', {
      identifier: 'd-default',
      blueprint: 'deployment',
      relations: { service: 'user-service' },
    });
    expect(response.status).toBe(201);
    expect(response.body.entity.properties).toEqual({ replicas: 1 });
  });

  test('identifiers with slashes arrive URL-encoded in paths', async () => {
    const id = 'org/repo:main';
    expect((await catalog.api('POST', '/v1/blueprints/team/entities', { identifier: id })).status).toBe(201);
    const read = await catalog.api<EntityBody>('GET', `/v1/blueprints/team/entities/${encodeURIComponent(id)}`);
    expect(read.status).toBe(200);
    expect(read.body.entity.identifier).toBe(id);
  });
});

describe('validation against the blueprint', () => {
  test.each([
    ['a wrong type', { properties: { replicas: 'three' } }, 422, 'blueprint_schema_mismatch', /replicas/],
    ['a value outside the enum', { properties: { env: 'staging' } }, 422, 'blueprint_schema_mismatch', /env/],
    ['a bad url', { properties: { url: 'not a url' } }, 422, 'blueprint_schema_mismatch', /url/],
    ['a bad date-time', { properties: { at: 'yesterday' } }, 422, 'blueprint_schema_mismatch', /at/],
    ['a bad array item', { properties: { tags: ['a', 2] } }, 422, 'blueprint_schema_mismatch', /tags/],
    ['an unknown property', { properties: { colour: 'red' } }, 422, 'blueprint_schema_mismatch', /colour/],
    ['an unknown relation', { relations: { owner: 'x' } }, 422, 'blueprint_schema_mismatch', /owner/],
    [
      'an array for a one relation',
      { relations: { service: ['user-service'] } },
      422,
      'blueprint_schema_mismatch',
      /service/,
    ],
    [
      'a string for a many relation',
      { relations: { service: 'user-service', consumers: 'user-service' } },
      422,
      'blueprint_schema_mismatch',
      /consumers/,
    ],
    ['a missing required relation', { relations: {} }, 422, 'blueprint_schema_mismatch', /service/],
    ['a related entity that does not exist', { relations: { service: 'ghost' } }, 404, 'not_found', /ghost/],
    ['a bad identifier', { identifier: '..' }, 422, 'invalid_request', /identifier/],
    ['a non-object properties', { properties: [1] }, 422, 'invalid_request', /body\.properties/],
    // Port resolves a search query written as a relation's value; the catalog does not (docs/port-api.md).
    [
      'a search query as a relation value',
      { relations: { service: { combinator: 'and', rules: [] } } },
      422,
      'invalid_request',
      /body\.relations\.service/,
    ],
  ])('refuses %s and names it', async (_name, patch, status, code, field) => {
    const body = { identifier: 'd-bad', relations: { service: 'user-service' }, ...patch };
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/deployment/entities', body);
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(code);
    expect(response.body.message).toMatch(field);
    expect((await catalog.api('GET', '/v1/blueprints/deployment/entities/d-bad')).status).toBe(404);
  });

  test('a missing required property is named', async () => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/service/entities', {
      identifier: 'incomplete',
      properties: { name: 'x', owner: 'y' },
    });
    expect(response.status).toBe(422);
    expect(response.body.message).toMatch(/lifecycle/);
  });

  test('create_missing_related_entities with validation_only creates nothing', async () => {
    const response = await catalog.api(
      'POST',
      '/v1/blueprints/service/entities?create_missing_related_entities=true&validation_only=true',
      {
        identifier: 'svc-x',
        properties: { name: 'x', owner: 'y', lifecycle: 'Production' },
        relations: { team: 'new-team' },
      },
    );
    expect(response.status).toBe(201);
    expect((await catalog.api('GET', '/v1/blueprints/team/entities/new-team')).status).toBe(404);
  });
});

describe('read', () => {
  test('get with include and exclude', async () => {
    const included = await catalog.api<EntityBody>(
      'GET',
      '/v1/blueprints/service/entities/user-service?include=$identifier&include=properties.name,title',
    );
    expect(included.body.entity).toEqual({
      identifier: 'user-service',
      title: 'User Service',
      properties: { name: 'User Service' },
    });
    const excluded = await catalog.api<EntityBody>(
      'GET',
      '/v1/blueprints/service/entities/user-service?exclude=properties.name&exclude=relations',
    );
    expect(excluded.body.entity.identifier).toBe('user-service');
    expect(excluded.body.entity.properties.name).toBeUndefined();
    expect(excluded.body.entity.properties.owner).toBe('backend-team');
    expect(excluded.body.entity.relations).toBeUndefined();
  });

  test('list answers every entity of the blueprint', async () => {
    const response = await catalog.api<{ entities: Entity[] }>(
      'GET',
      '/v1/blueprints/domain/entities?include=identifier',
    );
    expect(response.status).toBe(200);
    expect(response.body.entities).toEqual([{ identifier: 'authentication' }]);
    expect((await catalog.api('GET', '/v1/blueprints/ghost/entities')).status).toBe(404);
  });
});

describe('PUT and PATCH', () => {
  test('PATCH merges, PUT replaces, both 404 on a missing entity', async () => {
    const patched = await catalog.api<EntityBody>('PATCH', '/v1/blueprints/service/entities/user-service', {
      properties: { tier: 'Experimental' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.entity.properties).toMatchObject({ name: 'User Service', tier: 'Experimental' });

    const replaced = await catalog.api<EntityBody>('PUT', '/v1/blueprints/service/entities/user-service', {
      title: 'Users',
      properties: { name: 'Users', owner: 'o', lifecycle: 'Production' },
      relations: { team: 'backend-team' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.entity).toMatchObject({
      title: 'Users',
      properties: { name: 'Users', owner: 'o', lifecycle: 'Production' },
      relations: { team: 'backend-team' },
    });
    expect(replaced.body.entity.properties.tier).toBeUndefined();

    expect((await catalog.api('PATCH', '/v1/blueprints/service/entities/ghost', { title: 'x' })).status).toBe(404);
    expect((await catalog.api('PUT', '/v1/blueprints/service/entities/ghost', { title: 'x' })).status).toBe(404);
    const mismatch = await catalog.api<Problem>('PUT', '/v1/blueprints/service/entities/user-service', {
      identifier: 'other',
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.message).toMatch(/^body\.identifier/);
  });
});

describe('delete', () => {
  test('a required relation blocks the delete with 403 has_dependents; delete_dependents deletes them', async () => {
    await catalog.api('POST', '/v1/blueprints/service/entities', {
      identifier: 'billing',
      properties: { name: 'Billing', owner: 'o', lifecycle: 'Production' },
    });
    await catalog.api('POST', '/v1/blueprints/deployment/entities', {
      identifier: 'billing-prod',
      relations: { service: 'billing' },
    });
    const blocked = await catalog.api<Problem>('DELETE', '/v1/blueprints/service/entities/billing');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toBe('has_dependents');
    expect(blocked.body.message).toContain('deployment/billing-prod');
    expect((await catalog.api('GET', '/v1/blueprints/service/entities/billing')).status).toBe(200);

    const cascade = await catalog.api('DELETE', '/v1/blueprints/service/entities/billing?delete_dependents=true');
    expect(cascade.status).toBe(200);
    expect((await catalog.api('GET', '/v1/blueprints/service/entities/billing')).status).toBe(404);
    expect((await catalog.api('GET', '/v1/blueprints/deployment/entities/billing-prod')).status).toBe(404);
  });

  test('an optional relation pointing at a deleted entity is cleared', async () => {
    await catalog.api('POST', '/v1/blueprints/service/entities', {
      identifier: 'search',
      properties: { name: 'Search', owner: 'o', lifecycle: 'Production' },
    });
    await catalog.api('POST', '/v1/blueprints/deployment/entities', {
      identifier: 'search-prod',
      relations: { service: 'user-service', consumers: ['search', 'user-service'] },
    });
    expect((await catalog.api('DELETE', '/v1/blueprints/service/entities/search')).status).toBe(200);
    const dependent = await catalog.api<EntityBody>('GET', '/v1/blueprints/deployment/entities/search-prod');
    expect(dependent.body.entity.relations).toEqual({ service: 'user-service', consumers: ['user-service'] });
  });

  test('deleting a missing entity is 404', async () => {
    const response = await catalog.api<Problem>('DELETE', '/v1/blueprints/service/entities/ghost');
    expect(response.status).toBe(404);
    expect(response.body.message).toBe('entity "ghost" of blueprint "service" not found');
  });
});
