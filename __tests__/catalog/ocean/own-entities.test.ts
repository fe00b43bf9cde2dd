import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../../helpers/catalog-server.ts';
import { OceanClient } from './ocean-client.ts';

let catalog: TestCatalog;
let ocean: OceanClient;
let other: OceanClient;

type Problem = { ok: false; error: string; message: string };
const sorted = (entities: { identifier: string; blueprint: string }[]) =>
  entities.map((e) => `${e.blueprint}/${e.identifier}`).sort();

beforeAll(async () => {
  catalog = await startTestCatalog();
  ocean = new OceanClient(catalog.url, TEST_CREDENTIALS, { type: 'gitlab', version: '0.2.0', identifier: 'gl' });
  other = new OceanClient(catalog.url, TEST_CREDENTIALS, { type: 'gitlab', version: '0.2.0', identifier: 'gl-2' });
  for (const identifier of ['project', 'group']) {
    await catalog.api('POST', '/v1/blueprints', { identifier, title: identifier, schema: { properties: {} } });
  }
  await ocean.upsertEntitiesBulk('project', [
    { identifier: 'p1', blueprint: 'project' },
    { identifier: 'p2', blueprint: 'project' },
  ]);
  await ocean.upsertEntity({ identifier: 'g1', blueprint: 'group' });
  await ocean.upsertEntity({ identifier: 'g2', blueprint: 'group' }, undefined, 'gitops');
  await other.upsertEntity({ identifier: 'p3', blueprint: 'project' });
  await catalog.api('POST', '/v1/blueprints/project/entities', { identifier: 'p4' });
});
afterAll(async () => catalog.close());

describe('POST /v1/blueprints/entities/datasource-entities', () => {
  test('answers the entities of every blueprint the integration wrote with that feature, and nothing else', async () => {
    const response = await ocean.datasourceEntities('exporter');
    expect(response.status).toBe(200);
    expect(response.body.ok).toBe(true);
    expect(sorted(response.body.entities)).toEqual(['group/g1', 'project/p1', 'project/p2']);
    expect(response.body.entities[0]).toEqual({ identifier: 'g1', blueprint: 'group' });
    expect(response.body.next).toBeNull();
    expect(sorted((await ocean.datasourceEntities('gitops')).body.entities)).toEqual(['group/g2']);
    expect(sorted((await other.datasourceEntities('exporter')).body.entities)).toEqual(['project/p3']);
  });

  test('pages with limit, from and next until every match is read once', async () => {
    const seen: string[] = [];
    let from: string | undefined;
    for (let page = 0; page < 5; page++) {
      const response = await ocean.datasourceEntities('exporter', { limit: 2, ...(from && { from }) });
      expect(response.status).toBe(200);
      expect(response.body.entities.length).toBeLessThanOrEqual(2);
      seen.push(...sorted(response.body.entities));
      if (!response.body.next) break;
      from = response.body.next;
    }
    expect(seen.sort()).toEqual(['group/g1', 'project/p1', 'project/p2']);
  });

  test('before keeps the entities last written earlier; extra_conditions narrow the match', async () => {
    const future = await ocean.datasourceEntities('exporter', { before: '2999-01-01T00:00:00.000Z' });
    expect(sorted(future.body.entities)).toEqual(['group/g1', 'project/p1', 'project/p2']);
    const past = await ocean.datasourceEntities('exporter', { before: '2000-01-01T00:00:00Z' });
    expect(past.body.entities).toEqual([]);
    const projects = await ocean.datasourceEntities('exporter', {
      extra_conditions: { combinator: 'and', rules: [{ property: '$blueprint', operator: '=', value: 'project' }] },
    });
    expect(sorted(projects.body.entities)).toEqual(['project/p1', 'project/p2']);
  });

  test('a body that is not the route’s is refused, naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ datasource_suffix: '/gl/exporter' }, /^body\.datasource_prefix: /],
      [{ datasource_prefix: 'x', datasource_suffix: 'y', query: {} }, /^body: Unrecognized key: "query"/],
      [{ datasource_prefix: 'x'.repeat(513), datasource_suffix: 'y' }, /^body\.datasource_prefix: at most 512/],
      [{ datasource_prefix: 'x', datasource_suffix: 'y', limit: 0 }, /^body\.limit: /],
      [{ datasource_prefix: 'x', datasource_suffix: 'y', from: 'forged' }, /^body\.from: not a cursor/],
      [{ datasource_prefix: 'x', datasource_suffix: 'y', before: 'yesterday' }, /^body\.before: expected an ISO/],
      [
        { datasource_prefix: 'x', datasource_suffix: 'y', extra_conditions: { combinator: 'xor', rules: [] } },
        /^body\.extra_conditions\.combinator: /,
      ],
    ];
    for (const [body, message] of cases) {
      const response = await catalog.api<Problem>('POST', '/v1/blueprints/entities/datasource-entities', body);
      expect(response.status).toBe(422);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.message).toMatch(message);
    }
  });

  test('prefix and suffix are matched as text: LIKE wildcards and quotes match only themselves', async () => {
    const odd = new OceanClient(catalog.url, TEST_CREDENTIALS, { type: '%', version: '_', identifier: "o'_%" });
    await odd.upsertEntity({ identifier: 'odd', blueprint: 'group' });
    expect(sorted((await odd.datasourceEntities('exporter')).body.entities)).toEqual(['group/odd']);
    const wildcard = await catalog.api<{ entities: { identifier: string; blueprint: string }[] }>(
      'POST',
      '/v1/blueprints/entities/datasource-entities',
      { datasource_prefix: 'port-ocean/%', datasource_suffix: '%' },
    );
    expect(sorted(wildcard.body.entities)).toEqual([]);
  });
});

describe('DELETE /v1/blueprints/{bp}/all-entities', () => {
  test('deletes every entity of the blueprint and, with delete_blueprint=true, the blueprint', async () => {
    await catalog.api('POST', '/v1/blueprints', {
      identifier: 'node',
      title: 'Node',
      schema: { properties: {} },
      relations: { parent: { title: 'Parent', target: 'node', required: false, many: false } },
    });
    await ocean.upsertEntity({ identifier: 'root', blueprint: 'node' });
    await ocean.upsertEntity({ identifier: 'leaf', blueprint: 'node', relations: { parent: 'root' } });
    const response = await ocean.deleteAllEntities('node');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, deletedCount: 2 });
    expect((await catalog.api('GET', '/v1/blueprints/node')).status).toBe(404);
    const audit = await catalog.api<{ audits: { action: string; resourceType: string; identifier: string }[] }>(
      'GET',
      '/v1/audit-log?blueprint=node',
    );
    const deletes = audit.body.audits.filter((record) => record.action === 'DELETE');
    expect(deletes.map((record) => `${record.resourceType} ${record.identifier}`).sort()).toEqual([
      'blueprint node',
      'entity leaf',
      'entity root',
    ]);
  });

  test('keeps the blueprint without delete_blueprint; a required relation from another blueprint refuses it all', async () => {
    await catalog.api('POST', '/v1/blueprints', {
      identifier: 'cluster',
      title: 'Cluster',
      schema: { properties: {} },
    });
    await catalog.api('POST', '/v1/blueprints', {
      identifier: 'workload',
      title: 'Workload',
      schema: { properties: {} },
      relations: { cluster: { title: 'Cluster', target: 'cluster', required: true, many: false } },
    });
    await ocean.upsertEntity({ identifier: 'c1', blueprint: 'cluster' });
    await ocean.upsertEntity({ identifier: 'c2', blueprint: 'cluster' });
    await ocean.upsertEntity({ identifier: 'w1', blueprint: 'workload', relations: { cluster: 'c1' } });

    const refused = await ocean.deleteAllEntities('cluster', false);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      ok: false,
      error: 'has_dependents',
      message:
        'entities of blueprint "cluster" are required by workload/w1 (relation "cluster" to "c1"); delete those first',
    });
    expect((await catalog.api('GET', '/v1/blueprints/cluster/entities/c2')).status).toBe(200);

    expect((await ocean.deleteAllEntities('workload', false)).body).toEqual({ ok: true, deletedCount: 1 });
    expect((await ocean.deleteAllEntities('cluster', false)).body).toEqual({ ok: true, deletedCount: 2 });
    const left = await catalog.api<{ entities: unknown[] }>('GET', '/v1/blueprints/cluster/entities');
    expect(left.status).toBe(200);
    expect(left.body.entities).toEqual([]);
  });

  test('an unknown blueprint is 404; a bad delete_blueprint is 422 naming it', async () => {
    const missing = await ocean.deleteAllEntities('nope');
    expect(missing.status).toBe(404);
    const bad = await catalog.api<Problem>('DELETE', '/v1/blueprints/group/all-entities?delete_blueprint=maybe');
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe('query parameter delete_blueprint must be true or false (got "maybe")');
  });
});
