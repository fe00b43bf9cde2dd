import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { example, startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';

let catalog: TestCatalog;
beforeAll(async () => {
  catalog = await startTestCatalog();
});
afterAll(async () => catalog.close());

type Problem = { ok: false; error: string; message: string };

const team = { identifier: 'team', title: 'Team', schema: { properties: {} } };
const domain = { identifier: 'domain', title: 'Domain', schema: { properties: {} } };

describe('blueprints', () => {
  test('the examples are accepted and read back as written', async () => {
    for (const blueprint of [team, domain]) {
      expect((await catalog.api('POST', '/v1/blueprints', blueprint)).status).toBe(201);
    }
    for (const name of ['blueprint-service.json', 'blueprint-microservice.json', 'blueprint-deployment-config.json']) {
      const blueprint = example<{ identifier: string; schema: unknown; changelogDestination?: { url: string } }>(name);
      // The example's URL is a placeholder: a local address stands in for the user's receiver.
      if (blueprint.changelogDestination) blueprint.changelogDestination.url = 'http://127.0.0.1:9/hook';
      const created = await catalog.api<{ ok: boolean; blueprint: Record<string, unknown> }>(
        'POST',
        '/v1/blueprints',
        blueprint,
      );
      expect(created.status).toBe(201);
      expect(created.body.blueprint).toMatchObject({ identifier: blueprint.identifier, schema: blueprint.schema });
      const read = await catalog.api<{ blueprint: Record<string, unknown> }>(
        'GET',
        `/v1/blueprints/${blueprint.identifier}`,
      );
      expect(read.status).toBe(200);
      expect(read.body.blueprint).toMatchObject({ identifier: blueprint.identifier, schema: blueprint.schema });
      expect(read.body.blueprint.createdAt).toEqual(expect.any(String));
    }
    const list = await catalog.api<{ blueprints: { identifier: string }[] }>('GET', '/v1/blueprints');
    expect(list.body.blueprints.map((b) => b.identifier)).toEqual([
      'deploymentConfig',
      'domain',
      'microservice',
      'service',
      'team',
    ]);
  });

  test('creating an existing identifier is 409 identifier_taken', async () => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints', team);
    expect(response.status).toBe(409);
    expect(response.body.error).toBe('identifier_taken');
    expect(response.body.message).toContain('"team"');
  });

  test.each([
    ['a bad identifier', { identifier: 'no spaces', title: 'X', schema: { properties: {} } }, /^identifier/],
    ['no title', { identifier: 'x1', schema: { properties: {} } }, /title/],
    [
      'an unknown property type',
      { identifier: 'x2', title: 'X', schema: { properties: { a: { type: 'text' } } } },
      /schema\.properties\.a\.type/,
    ],
    [
      'a format for the wrong type',
      { identifier: 'x3', title: 'X', schema: { properties: { a: { type: 'number', format: 'url' } } } },
      /schema\.properties\.a\.format/,
    ],
    [
      'a default outside the enum',
      {
        identifier: 'x4',
        title: 'X',
        schema: { properties: { a: { type: 'string', enum: ['a', 'b'], default: 'c' } } },
      },
      /schema\.properties\.a\.default/,
    ],
    [
      'an enum value of the wrong type',
      { identifier: 'x5', title: 'X', schema: { properties: { a: { type: 'number', enum: [1, 'two'] } } } },
      /schema\.properties\.a\.enum/,
    ],
    [
      'a required property that does not exist',
      { identifier: 'x6', title: 'X', schema: { properties: {}, required: ['ghost'] } },
      /schema\.required/,
    ],
    [
      'a relation to a missing blueprint',
      {
        identifier: 'x7',
        title: 'X',
        schema: { properties: {} },
        relations: { owner: { title: 'Owner', target: 'ghost', required: false, many: false } },
      },
      /relations\.owner/,
    ],
    [
      'a relation both many and required',
      {
        identifier: 'x8',
        title: 'X',
        schema: { properties: {} },
        relations: { t: { title: 'T', target: 'team', required: true, many: true } },
      },
      /relations\.t/,
    ],
  ])('refuses %s with 422 naming the field', async (_name, blueprint, field) => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints', blueprint);
    expect(response.status).toBe(422);
    expect(response.body.error).toBe('invalid_request');
    expect(response.body.message).toMatch(field);
    expect((await catalog.api('GET', `/v1/blueprints/${encodeURIComponent(blueprint.identifier)}`)).status).toBe(404);
  });

  test('a relation to itself is allowed', async () => {
    const response = await catalog.api('POST', '/v1/blueprints', {
      identifier: 'node',
      title: 'Node',
      schema: { properties: {} },
      relations: { parent: { title: 'Parent', target: 'node', required: false, many: false } },
    });
    expect(response.status).toBe(201);
  });

  test('PUT replaces, PATCH merges properties and relations key by key', async () => {
    await catalog.api('POST', '/v1/blueprints', {
      identifier: 'app',
      title: 'App',
      schema: { properties: { a: { type: 'string' }, b: { type: 'number' } } },
    });
    const patched = await catalog.api<{
      blueprint: { title: string; schema: { properties: Record<string, unknown> }; relations: Record<string, unknown> };
    }>('PATCH', '/v1/blueprints/app', {
      title: 'Application',
      schema: { properties: { c: { type: 'boolean' } } },
      relations: { team: { title: 'Team', target: 'team', required: false, many: true } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.blueprint.title).toBe('Application');
    expect(Object.keys(patched.body.blueprint.schema.properties).sort()).toEqual(['a', 'b', 'c']);
    expect(Object.keys(patched.body.blueprint.relations)).toEqual(['team']);

    const replaced = await catalog.api<{
      blueprint: { schema: { properties: Record<string, unknown> }; relations: Record<string, unknown> };
    }>('PUT', '/v1/blueprints/app', { title: 'App', schema: { properties: { z: { type: 'string' } } } });
    expect(replaced.status).toBe(200);
    expect(Object.keys(replaced.body.blueprint.schema.properties)).toEqual(['z']);
    expect(replaced.body.blueprint.relations).toEqual({});
  });

  test('PUT with another identifier in the body is refused, PUT of a missing blueprint is 404', async () => {
    const mismatch = await catalog.api<Problem>('PUT', '/v1/blueprints/app', {
      identifier: 'other',
      title: 'A',
      schema: { properties: {} },
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.message).toMatch(/^identifier: /);
    expect((await catalog.api('PUT', '/v1/blueprints/ghost', { title: 'G', schema: { properties: {} } })).status).toBe(
      404,
    );
    expect((await catalog.api('PATCH', '/v1/blueprints/ghost', { title: 'G' })).status).toBe(404);
  });

  test('removing a property from a blueprint removes its values from entities', async () => {
    await catalog.api('POST', '/v1/blueprints', {
      identifier: 'lib',
      title: 'Lib',
      schema: { properties: { keep: { type: 'string' }, drop: { type: 'string' } } },
    });
    await catalog.api('POST', '/v1/blueprints/lib/entities', {
      identifier: 'l1',
      properties: { keep: 'k', drop: 'd' },
    });
    await catalog.api('PUT', '/v1/blueprints/lib', {
      title: 'Lib',
      schema: { properties: { keep: { type: 'string' } } },
    });
    const entity = await catalog.api<{ entity: { properties: Record<string, unknown> } }>(
      'GET',
      '/v1/blueprints/lib/entities/l1',
    );
    expect(entity.body.entity.properties).toEqual({ keep: 'k' });
  });

  test('delete is refused while entities exist or other blueprints relate to it', async () => {
    await catalog.api('POST', '/v1/blueprints/team/entities', { identifier: 'backend' });
    const withEntities = await catalog.api<Problem>('DELETE', '/v1/blueprints/team');
    expect(withEntities.status).toBe(403);
    expect(withEntities.body.error).toBe('has_dependents');
    expect(withEntities.body.message).toBe('blueprint "team" still has 1 entity; delete them first');

    await catalog.api('DELETE', '/v1/blueprints/team/entities/backend');
    const targeted = await catalog.api<Problem>('DELETE', '/v1/blueprints/team');
    expect(targeted.status).toBe(403);
    expect(targeted.body.message).toContain('microservice.relations.team');

    const free = await catalog.api('DELETE', '/v1/blueprints/deploymentConfig');
    expect(free.status).toBe(200);
    expect((await catalog.api('GET', '/v1/blueprints/deploymentConfig')).status).toBe(404);
    expect((await catalog.api('DELETE', '/v1/blueprints/deploymentConfig')).status).toBe(404);
  });
});
