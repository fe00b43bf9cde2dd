import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';

let catalog: TestCatalog;
type Problem = { ok: false; error: string; message: string };
type BulkBody = {
  ok: boolean;
  entities: { identifier: string; index: number; created: boolean }[];
  errors: { identifier: string | null; index: number; statusCode: number; error: string; message: string }[];
};

beforeAll(async () => {
  catalog = await startTestCatalog();
  await catalog.api('POST', '/v1/blueprints', { identifier: 'team', title: 'Team', schema: { properties: {} } });
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'repo',
    title: 'Repo',
    schema: { properties: { stars: { type: 'number' }, lang: { type: 'string' } }, required: ['lang'] },
    relations: { team: { title: 'Team', target: 'team', required: false, many: false } },
  });
});
afterAll(async () => catalog.close());

describe('POST /v1/blueprints/{bp}/entities/bulk', () => {
  test('200 with a result per index when all succeed', async () => {
    const entities = Array.from({ length: 20 }, (_, i) => ({
      identifier: `r${i}`,
      properties: { lang: 'go', stars: i },
    }));
    const response = await catalog.api<BulkBody>('POST', '/v1/blueprints/repo/entities/bulk', { entities });
    expect(response.status).toBe(200);
    expect(response.body.errors).toEqual([]);
    expect(response.body.entities).toEqual(
      entities.map((e, index) => ({ identifier: e.identifier, index, created: true })),
    );
  });

  test('207 when some fail: the others are written, each failure names its index and reason', async () => {
    const response = await catalog.api<BulkBody>('POST', '/v1/blueprints/repo/entities/bulk?upsert=true', {
      entities: [
        { identifier: 'r0', properties: { lang: 'rust' } },
        { identifier: 'bad-type', properties: { lang: 'go', stars: 'many' } },
        { identifier: 'new-one', properties: { lang: 'ts' } },
        { identifier: 'no-team', properties: { lang: 'go' }, relations: { team: 'ghost' } },
        { properties: 'not an object' },
      ],
    });
    expect(response.status).toBe(207);
    expect(response.body.entities).toEqual([
      { identifier: 'r0', index: 0, created: false },
      { identifier: 'new-one', index: 2, created: true },
    ]);
    expect(response.body.errors.map(({ message: _m, ...rest }) => rest)).toEqual([
      { identifier: 'bad-type', index: 1, statusCode: 422, error: 'blueprint_schema_mismatch' },
      { identifier: 'no-team', index: 3, statusCode: 404, error: 'not_found' },
      { identifier: null, index: 4, statusCode: 422, error: 'invalid_request' },
    ]);
    expect(response.body.errors[0]!.message).toMatch(/stars/);
    expect(response.body.errors[1]!.message).toMatch(/ghost/);
    expect(response.body.errors[2]!.message).toMatch(/^entities\[4\]\.properties/);
    expect((await catalog.api('GET', '/v1/blueprints/repo/entities/bad-type')).status).toBe(404);
    expect((await catalog.api('GET', '/v1/blueprints/repo/entities/no-team')).status).toBe(404);
    const r0 = await catalog.api<{ entity: { properties: unknown } }>('GET', '/v1/blueprints/repo/entities/r0');
    expect(r0.body.entity.properties).toEqual({ lang: 'rust' });
  });

  test('merge keeps fields not given; create_missing_related_entities creates targets', async () => {
    const response = await catalog.api<BulkBody>(
      'POST',
      '/v1/blueprints/repo/entities/bulk?upsert=true&merge=true&create_missing_related_entities=true',
      { entities: [{ identifier: 'r1', relations: { team: 'core' } }] },
    );
    expect(response.status).toBe(200);
    const r1 = await catalog.api<{ entity: { properties: unknown; relations: unknown } }>(
      'GET',
      '/v1/blueprints/repo/entities/r1',
    );
    expect(r1.body.entity).toMatchObject({ properties: { lang: 'go', stars: 1 }, relations: { team: 'core' } });
    expect((await catalog.api('GET', '/v1/blueprints/team/entities/core')).status).toBe(200);
  });

  test.each([
    ['no entities', { entities: [] }, /body\.entities/],
    ['more than 20', { entities: Array.from({ length: 21 }, (_, i) => ({ identifier: `x${i}` })) }, /body\.entities/],
    ['no entities key', {}, /body\.entities/],
  ])('refuses %s with 422', async (_name, body, message) => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/repo/entities/bulk', body);
    expect(response.status).toBe(422);
    expect(response.body.error).toBe('invalid_request');
    expect(response.body.message).toMatch(message);
  });

  test('a missing blueprint is 404 for the whole request', async () => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/ghost/entities/bulk', {
      entities: [{ identifier: 'a' }],
    });
    expect(response.status).toBe(404);
  });
});

describe('POST /v1/blueprints/{bp}/bulk/entities/delete', () => {
  test('deletes the listed entities', async () => {
    const response = await catalog.api<{ ok: boolean; deletedEntities: string[] }>(
      'POST',
      '/v1/blueprints/repo/bulk/entities/delete',
      { entities: ['r2', 'r3', 'r3'] },
    );
    expect(response.status).toBe(200);
    expect(response.body.deletedEntities).toEqual(['r2', 'r3']);
    expect((await catalog.api('GET', '/v1/blueprints/repo/entities/r2')).status).toBe(404);
  });

  test('all or nothing: one missing entity deletes none and is named', async () => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/repo/bulk/entities/delete', {
      entities: ['r4', 'ghost'],
    });
    expect(response.status).toBe(404);
    expect(response.body.message).toContain('"ghost"');
    expect((await catalog.api('GET', '/v1/blueprints/repo/entities/r4')).status).toBe(200);
  });

  test('more than 100 is refused', async () => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/repo/bulk/entities/delete', {
      entities: Array.from({ length: 101 }, (_, i) => `r${i}`),
    });
    expect(response.status).toBe(422);
    expect(response.body.message).toMatch(/body\.entities/);
  });
});
