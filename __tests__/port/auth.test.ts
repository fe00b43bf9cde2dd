import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createTokenCache } from '../../src/port/auth.ts';
import { PortApiError } from '../../src/port/index.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { failureOf, testClient } from './test-client.ts';

let catalog: TestCatalog;
let proxy: FaultProxy;

const TOKEN_PATH = '/v1/auth/access_token';
const tokenRequests = () => proxy.requests.filter((r) => r.path === TOKEN_PATH).length;

beforeAll(async () => {
  catalog = await startTestCatalog();
  proxy = await startFaultProxy(catalog.url);
  await catalog.api('POST', '/v1/blueprints', { identifier: 'team', title: 'Team', schema: { properties: {} } });
  await catalog.api('POST', '/v1/blueprints/team/entities', { identifier: 'core' });
});
beforeEach(() => proxy.reset());
afterAll(async () => {
  await proxy.close();
  await catalog.close();
});

describe('access token', () => {
  test('is asked for once and reused by every later call, concurrent first calls included', async () => {
    const { client } = testClient(proxy.url);
    await Promise.all([client.getEntity('team', 'core'), client.getEntity('team', 'core')]);
    await client.getEntity('team', 'core');
    await client.upsertEntity('team', { identifier: 'core' });
    expect(tokenRequests()).toBe(1);
  });

  test('a 401 gets a new token and the call is retried once', async () => {
    const { client } = testClient(proxy.url);
    await client.getEntity('team', 'core');
    proxy.inject({ path: '/v1/blueprints/team/entities/core', action: { status: 401 } });
    expect((await client.getEntity('team', 'core')).identifier).toBe('core');
    expect(tokenRequests()).toBe(2);
    expect(proxy.requests.filter((r) => r.path === '/v1/blueprints/team/entities/core')).toHaveLength(3);
  });

  test('a 401 on a call that is not safe to repeat also gets a new token and one retry (the server did nothing)', async () => {
    const { client } = testClient(proxy.url);
    proxy.inject({ method: 'POST', path: '/v1/blueprints/team/entities', action: { status: 401 } });
    await client.createEntity('team', { identifier: 'after-401' });
    expect(tokenRequests()).toBe(2);
    expect((await catalog.api('GET', '/v1/blueprints/team/entities/after-401')).status).toBe(200);
  });

  test('a second 401 is the answer: refreshed once only', async () => {
    const { client } = testClient(proxy.url);
    proxy.inject({
      path: '/v1/blueprints/team/entities/core',
      times: 2,
      action: { status: 401, body: { ok: false, error: 'unauthorized', message: 'no' } },
    });
    const error = (await failureOf(client.getEntity('team', 'core'))) as PortApiError;
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', attempts: 2 });
    expect(tokenRequests()).toBe(2);
  });

  test('wrong credentials: the token request fails with the server message, not retried', async () => {
    const { client } = testClient(proxy.url, { clientSecret: 'not-the-secret' });
    const error = (await failureOf(client.getEntity('team', 'core'))) as PortApiError;
    expect(error).toBeInstanceOf(PortApiError);
    expect(error.message).toMatch(
      /^getAccessToken POST \/v1\/auth\/access_token failed: 401 unauthorized: clientId or clientSecret is wrong/,
    );
    expect(tokenRequests()).toBe(1);
  });

  test('a token that has expired is not reused', async () => {
    // The server says the token lasts 0 s: each call needs a new one.
    const expiringAtOnce: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      if (!String(input).endsWith(TOKEN_PATH)) return answer;
      return Response.json({ ...((await answer.json()) as object), expiresIn: 0 });
    };
    const { client } = testClient(proxy.url, { fetch: expiringAtOnce });
    await client.getEntity('team', 'core');
    await client.getEntity('team', 'core');
    expect(tokenRequests()).toBe(2);
  });
});

describe('createTokenCache', () => {
  test('refreshes shortly before expiry: 10% of the lifetime, at most 5 minutes', async () => {
    let now = 0;
    let issued = 0;
    const cache = createTokenCache(
      async () => ({ accessToken: `t${++issued}`, expiresIn: 3 * 3600 }),
      () => now,
    );
    expect(await cache.get()).toBe('t1');
    now = (3 * 3600 - 5 * 60) * 1000 - 1;
    expect(await cache.get()).toBe('t1');
    now += 1;
    expect(await cache.get()).toBe('t2');
  });

  test('invalidate forgets only the token it names', async () => {
    let issued = 0;
    const cache = createTokenCache(async () => ({ accessToken: `t${++issued}`, expiresIn: 3600 }));
    expect(await cache.get()).toBe('t1');
    cache.invalidate('t0');
    expect(await cache.get()).toBe('t1');
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
  });
});
