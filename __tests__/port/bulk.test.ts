import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { planBatches } from '../../src/port/bulk.ts';
import { type BulkEntity, MAX_BODY_BYTES, type PortClient } from '../../src/port/index.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { testClient } from './test-client.ts';

let catalog: TestCatalog;
let proxy: FaultProxy;
let port: PortClient;

const bulkRequests = () => proxy.requests.filter((r) => r.path.endsWith('/entities/bulk'));

beforeAll(async () => {
  catalog = await startTestCatalog();
  proxy = await startFaultProxy(catalog.url);
  port = testClient(proxy.url).client;
  await port.upsertBlueprint({ identifier: 'team', title: 'Team', schema: { properties: {} } });
  await port.upsertBlueprint({
    identifier: 'service',
    title: 'Service',
    schema: { properties: { stars: { type: 'number' }, notes: { type: 'string' } } },
  });
});
beforeEach(() => proxy.reset());
afterAll(async () => {
  await proxy.close();
  await catalog.close();
});

describe('bulkUpsertEntities', () => {
  test('45 entities across 2 blueprints: batches of at most 20, one result per input, in input order', async () => {
    // Interleaved, so that input order differs from the order of the batches.
    const entities: BulkEntity[] = Array.from({ length: 45 }, (_, n) =>
      n % 3 === 0
        ? { blueprint: 'team', identifier: `team-${n}`, title: `Team ${n}` }
        : { blueprint: 'service', identifier: `svc-${n}`, properties: { stars: n } },
    );
    const results = await port.bulkUpsertEntities(entities);

    expect(results).toHaveLength(45);
    results.forEach((result, n) => {
      expect(result).toEqual({
        index: n,
        blueprint: entities[n]!.blueprint,
        identifier: entities[n]!.identifier,
        status: 'created',
      });
    });
    // 15 teams in one batch, 30 services in two.
    const batches = bulkRequests().map((r) => (JSON.parse(r.body) as { entities: unknown[] }).entities.length);
    expect(batches.sort()).toEqual([10, 15, 20]);
    expect((await port.getEntity('service', 'svc-44')).properties).toEqual({ stars: 44 });

    const again = await port.bulkUpsertEntities(entities);
    expect(again.map((r) => r.status)).toEqual(Array(45).fill('updated'));
  });

  test('a 207 answer: failures land on their input positions with the server error', async () => {
    const results = await port.bulkUpsertEntities([
      { blueprint: 'service', identifier: 'ok-1', properties: { stars: 1 } },
      { blueprint: 'service', identifier: 'bad-1', properties: { stars: 'many' } },
      { blueprint: 'team', identifier: 'ok-2' },
      { blueprint: 'service', identifier: 'ok-3' },
      { blueprint: 'service', identifier: 'bad-2', properties: { nope: true } },
    ]);
    expect(results.map((r) => [r.identifier, r.status])).toEqual([
      ['ok-1', 'created'],
      ['bad-1', 'failed'],
      ['ok-2', 'created'],
      ['ok-3', 'created'],
      ['bad-2', 'failed'],
    ]);
    expect(results[1]!.error).toEqual({
      statusCode: 422,
      error: 'blueprint_schema_mismatch',
      message: expect.stringContaining('stars'),
    });
    expect(results[4]!.error).toMatchObject({ statusCode: 422 });
    expect(results[4]!.error!.message).toContain('nope');
  });

  test("a missing blueprint fails every entity of its batch with the server's 404; the rest go through", async () => {
    const results = await port.bulkUpsertEntities([
      { blueprint: 'nope', identifier: 'a' },
      { blueprint: 'team', identifier: 'fine' },
      { blueprint: 'nope', identifier: 'b' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['failed', 'created', 'failed']);
    for (const failed of [results[0]!, results[2]!]) {
      expect(failed.error).toMatchObject({ statusCode: 404, error: 'not_found' });
      expect(failed.error!.message).toMatch(
        /^bulkUpsertEntities POST \/v1\/blueprints\/nope\/entities\/bulk\?.* failed: 404 not_found: .*nope/,
      );
    }
    expect(results[2]!.identifier).toBe('b');
  });

  test('batches stay under 1 MiB: large entities are split over more requests', async () => {
    const notes = 'x'.repeat(300_000);
    const entities = Array.from({ length: 7 }, (_, n) => ({
      blueprint: 'service',
      identifier: `big-${n}`,
      properties: { notes },
    }));
    const results = await port.bulkUpsertEntities(entities);
    expect(results.map((r) => r.status)).toEqual(Array(7).fill('created'));
    const sizes = bulkRequests().map((r) => Buffer.byteLength(r.body));
    expect(sizes).toHaveLength(3); // 3 + 3 + 1
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_BODY_BYTES);
  });

  test('an entity that alone is over 1 MiB fails without a request; the others are sent', async () => {
    const results = await port.bulkUpsertEntities([
      { blueprint: 'service', identifier: 'huge', properties: { notes: 'x'.repeat(MAX_BODY_BYTES) } },
      { blueprint: 'service', identifier: 'small' },
    ]);
    expect(results[0]).toMatchObject({ status: 'failed', identifier: 'huge', error: { statusCode: 413 } });
    expect(results[1]).toMatchObject({ status: 'created', identifier: 'small' });
    expect(bulkRequests()).toHaveLength(1);
  });

  test('a batch answered 413 falls back to one upsert per entity', async () => {
    proxy.inject({
      method: 'POST',
      path: /\/entities\/bulk$/,
      action: { status: 413, body: { ok: false, error: 'payload_too_large', message: 'too big' } },
    });
    const entities = Array.from({ length: 4 }, (_, n) => ({ blueprint: 'team', identifier: `single-${n}` }));
    const results = await port.bulkUpsertEntities(entities);
    expect(results.map((r) => r.status)).toEqual(Array(4).fill('created'));
    expect(bulkRequests()).toHaveLength(1);
    expect(proxy.requests.filter((r) => r.method === 'POST' && r.path === '/v1/blueprints/team/entities')).toHaveLength(
      4,
    );
  });

  test('a batch that never gets an answer (after its retries) fails every entity of it, saying so', async () => {
    proxy.inject({
      path: '/v1/blueprints/team/entities/bulk',
      times: Infinity,
      action: { reset: 'before-forwarding' },
    });
    const results = await port.bulkUpsertEntities([
      { blueprint: 'team', identifier: 'lost-1' },
      { blueprint: 'service', identifier: 'kept' },
      { blueprint: 'team', identifier: 'lost-2' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['failed', 'created', 'failed']);
    expect(results[0]!.error).toEqual({
      error: 'network_error',
      message: expect.stringMatching(/failed after 4 attempts: network error/),
    });
    expect(results[0]!.error!.statusCode).toBeUndefined();
  });

  test('an entity without a blueprint fails alone', async () => {
    const results = await port.bulkUpsertEntities([
      { identifier: 'orphan' } as BulkEntity,
      { blueprint: 'team', identifier: 'adopted' },
    ]);
    expect(results[0]).toMatchObject({ index: 0, status: 'failed', error: { error: 'invalid_request' } });
    expect(results[1]).toMatchObject({ index: 1, status: 'created' });
  });

  test('batches go out concurrently, never more at once than the client allows', async () => {
    const limited = testClient(proxy.url, { concurrency: 3 }).client;
    const entities = Array.from({ length: 200 }, (_, n) => ({ blueprint: 'team', identifier: `many-${n}` }));
    const results = await limited.bulkUpsertEntities(entities);
    expect(results.every((r) => r.status === 'created')).toBe(true);
    expect(bulkRequests()).toHaveLength(10);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(3);
    expect(proxy.maxInFlight).toBeGreaterThan(1);
  });
});

describe('planBatches', () => {
  const item = (index: number, blueprint: string, bytes: number) => ({ index, blueprint, body: {}, bytes });

  test('a batch of n entities is exactly {"entities":[...]} with n - 1 commas', () => {
    // 15 bytes of envelope + 2 x 40 + 1 comma = 96: fits 96, not 95.
    const items = [item(0, 'a', 40), item(1, 'a', 40)];
    expect(planBatches(items, { maxEntities: 20, maxBytes: 96 }).batches).toHaveLength(1);
    expect(planBatches(items, { maxEntities: 20, maxBytes: 95 }).batches).toHaveLength(2);
  });

  test('groups by blueprint and cuts at the entity limit', () => {
    const items = Array.from({ length: 25 }, (_, n) => item(n, n % 2 ? 'a' : 'b', 10));
    const { batches } = planBatches(items, { maxEntities: 5, maxBytes: 10_000 });
    expect(batches.map((b) => b.length)).toEqual([5, 5, 3, 5, 5, 2]);
    for (const batch of batches) expect(new Set(batch.map((i) => i.blueprint)).size).toBe(1);
  });
});
