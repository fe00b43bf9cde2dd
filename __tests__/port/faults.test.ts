import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { PortApiError } from '../../src/port/index.ts';
import { startTestCatalog, TEST_CREDENTIALS, type TestCatalog } from '../helpers/catalog-server.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { failureOf, testClient } from './test-client.ts';

let catalog: TestCatalog;
let proxy: FaultProxy;

const ENTITIES = '/v1/blueprints/team/entities';
const writesTo = (path: string) => proxy.requests.filter((r) => r.method === 'POST' && r.path === path);

/** The catalog's own record of the writes to one entity, oldest first. */
async function auditOf(identifier: string): Promise<string[]> {
  const answer = await catalog.api<{ audits: Array<{ action: string }> }>(
    'GET',
    `/v1/audit-log?identifier=${encodeURIComponent(identifier)}`,
  );
  return answer.body.audits.map((audit) => audit.action).reverse();
}

/** An address where nothing listens: a port the system handed out, and then closed. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  catalog = await startTestCatalog();
  proxy = await startFaultProxy(catalog.url);
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'team',
    title: 'Team',
    schema: { properties: { size: { type: 'number' } } },
  });
});
beforeEach(() => proxy.reset());
afterAll(async () => {
  await proxy.close();
  await catalog.close();
});

describe('calls safe to repeat are retried, and write once', () => {
  test('503 once, then through: the upsert succeeds on the retry, one write', async () => {
    const { client, sleeps, lines } = testClient(proxy.url);
    proxy.inject({ method: 'POST', path: ENTITIES, action: { status: 503 } });
    const { created } = await client.upsertEntity('team', { identifier: 'u503', properties: { size: 1 } });
    expect(created).toBe(true);
    expect(writesTo(ENTITIES)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('warning:'))).toEqual([
      expect.stringMatching(
        /^warning: upsertEntity POST \/v1\/blueprints\/team\/entities\?.* answered 503; retry 1 of 3/,
      ),
    ]);
    expect(await auditOf('u503')).toEqual(['CREATE']);
  });

  test('429 with Retry-After: retried after the wait the server asked for, one write', async () => {
    const { client, sleeps } = testClient(proxy.url);
    proxy.inject({
      method: 'POST',
      path: ENTITIES,
      times: 2,
      action: { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'rate_limit_exceeded' } },
    });
    await client.upsertEntity('team', { identifier: 'u429' });
    expect(writesTo(ENTITIES)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(await auditOf('u429')).toEqual(['CREATE']);
  });

  test('a connection reset before the server saw the upsert: retried, one write', async () => {
    const { client } = testClient(proxy.url);
    proxy.inject({ method: 'POST', path: ENTITIES, action: { reset: 'before-forwarding' } });
    await client.upsertEntity('team', { identifier: 'u-reset', properties: { size: 2 } });
    expect(writesTo(ENTITIES)).toHaveLength(2);
    expect(await auditOf('u-reset')).toEqual(['CREATE']);
  });

  test('an upsert whose answer was lost is sent again: the same entity, written again to the same state', async () => {
    const { client } = testClient(proxy.url);
    proxy.inject({ method: 'POST', path: ENTITIES, action: { reset: 'after-forwarding' } });
    const { entity } = await client.upsertEntity('team', { identifier: 'u-lost', properties: { size: 3 } });
    expect(entity.properties).toEqual({ size: 3 });
    expect(await auditOf('u-lost')).toEqual(['CREATE', 'UPDATE']);
  });

  test('a read that hangs past the timeout is retried', async () => {
    const { client } = testClient(proxy.url, { timeoutMs: 200 });
    await client.upsertEntity('team', { identifier: 'slow' });
    proxy.inject({ method: 'GET', path: `${ENTITIES}/slow`, action: { hang: 'before-forwarding' } });
    expect((await client.getEntity('team', 'slow')).identifier).toBe('slow');
    expect(proxy.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });

  test('a delete whose answer was lost counts as done when the retry finds the entity gone', async () => {
    const { client } = testClient(proxy.url);
    await client.upsertEntity('team', { identifier: 'd-lost' });
    proxy.inject({ method: 'DELETE', path: `${ENTITIES}/d-lost`, action: { reset: 'after-forwarding' } });
    await client.deleteEntity('team', 'd-lost');
    expect(await auditOf('d-lost')).toEqual(['CREATE', 'DELETE']);
  });

  test('a server that stays unavailable: the error says what it answered and after how many attempts', async () => {
    const { client, sleeps } = testClient(proxy.url);
    proxy.inject({
      method: 'GET',
      path: `${ENTITIES}/down`,
      times: Infinity,
      action: {
        status: 503,
        headers: { 'x-trace-id': 't-503' },
        body: { ok: false, error: 'unavailable', message: 'down' },
      },
    });
    const error = (await failureOf(client.getEntity('team', 'down'))) as PortApiError;
    expect(error.message).toBe(
      'getEntity GET /v1/blueprints/team/entities/down failed after 4 attempts: 503 unavailable: down (trace t-503)',
    );
    expect(error).toMatchObject({ status: 503, attempts: 4 });
    expect(sleeps).toHaveLength(3);
  });

  test('no wait that would take a call past its budget (60 s of waiting): it fails now instead', async () => {
    const { client, sleeps } = testClient(proxy.url);
    const busy = { status: 503, headers: { 'retry-after': '25' } };
    proxy.inject({ method: 'GET', path: `${ENTITIES}/busy`, times: Infinity, action: busy });
    const error = (await failureOf(client.getEntity('team', 'busy'))) as PortApiError;
    expect(error).toMatchObject({ status: 503, attempts: 3 });
    expect(sleeps).toEqual([25_000, 25_000]);
  });

  test('a 500 is not retried within the call: seconds later the same request would meet the same fault', async () => {
    const { client, sleeps } = testClient(proxy.url);
    proxy.inject({ method: 'GET', path: `${ENTITIES}/faulty`, action: { status: 500, body: { ok: false } } });
    const error = (await failureOf(client.getEntity('team', 'faulty'))) as PortApiError;
    expect(error).toMatchObject({ status: 500, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  test('a 408 is retried like the other "not now" answers', async () => {
    const { client, sleeps } = testClient(proxy.url);
    proxy.inject({ method: 'POST', path: ENTITIES, action: { status: 408 } });
    await client.upsertEntity('team', { identifier: 'u408' });
    expect(writesTo(ENTITIES)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(await auditOf('u408')).toEqual(['CREATE']);
  });
});

describe('calls not safe to repeat are not resent once they may have arrived', () => {
  test('a create whose connection is reset after the server acted: not repeated, the error says so', async () => {
    const { client } = testClient(proxy.url);
    proxy.inject({ method: 'POST', path: ENTITIES, action: { reset: 'after-forwarding' } });
    const error = (await failureOf(client.createEntity('team', { identifier: 'c-reset' }))) as PortApiError;
    expect(error).toBeInstanceOf(PortApiError);
    expect(error).toMatchObject({ operation: 'createEntity', status: undefined, attempts: 1, isNetworkError: true });
    expect(error.message).toMatch(/^createEntity POST \/v1\/blueprints\/team\/entities failed: network error: /);
    expect(writesTo(ENTITIES)).toHaveLength(1);
    expect(await auditOf('c-reset')).toEqual(['CREATE']);
  });

  test('a create that hangs past the timeout: not repeated', async () => {
    const { client } = testClient(proxy.url, { timeoutMs: 200 });
    proxy.inject({ method: 'POST', path: ENTITIES, action: { hang: 'after-forwarding' } });
    const error = (await failureOf(client.createEntity('team', { identifier: 'c-hang' }))) as PortApiError;
    expect(error.message).toBe(
      'createEntity POST /v1/blueprints/team/entities failed: network error: timed out after 200 ms' +
        ' (not resent: the request may have reached the server, and createEntity is not safe to repeat)',
    );
    expect(writesTo(ENTITIES)).toHaveLength(1);
    expect(await auditOf('c-hang')).toEqual(['CREATE']);
  });

  test('a create answered 503 is not repeated (a proxy may answer that after the server acted)', async () => {
    const { client } = testClient(proxy.url);
    proxy.inject({ method: 'POST', path: ENTITIES, action: { status: 503 } });
    const error = (await failureOf(client.createEntity('team', { identifier: 'c-503' }))) as PortApiError;
    expect(error).toMatchObject({ status: 503, attempts: 1 });
    expect(writesTo(ENTITIES)).toHaveLength(1);
  });

  test('a create answered 429 is retried: the server refused it before doing anything', async () => {
    const { client } = testClient(proxy.url);
    proxy.inject({ method: 'POST', path: ENTITIES, action: { status: 429, headers: { 'retry-after': '1' } } });
    await client.createEntity('team', { identifier: 'c-429' });
    expect(writesTo(ENTITIES)).toHaveLength(2);
    expect(await auditOf('c-429')).toEqual(['CREATE']);
  });

  test('a create whose connection was refused (nothing sent) is retried', async () => {
    let refusals = 1;
    const refusingOnce: typeof fetch = (input, init) => {
      if (String(input).endsWith(ENTITIES) && refusals-- > 0) {
        const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
        return Promise.reject(new TypeError('fetch failed', { cause }));
      }
      return fetch(input, init);
    };
    const { client, lines } = testClient(proxy.url, { fetch: refusingOnce });
    await client.createEntity('team', { identifier: 'c-refused' });
    expect(lines.some((line) => /createEntity .*ECONNREFUSED.*retry 1 of 3/.test(line))).toBe(true);
    expect(await auditOf('c-refused')).toEqual(['CREATE']);
  });
});

describe('errors', () => {
  test('carry operation, method, path, status, code, server message and trace id', async () => {
    const { client } = testClient(proxy.url);
    const error = (await failureOf(
      client.upsertEntity('team', { identifier: 'typed', properties: { size: 'a' } }),
    )) as PortApiError;
    expect(error).toBeInstanceOf(PortApiError);
    expect(error).toMatchObject({
      operation: 'upsertEntity',
      method: 'POST',
      path: '/v1/blueprints/team/entities?upsert=true&merge=true',
      status: 422,
      code: 'blueprint_schema_mismatch',
      attempts: 1,
    });
    expect(error.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.serverMessage).toContain('size');
    expect(error.message).toBe(
      `upsertEntity POST /v1/blueprints/team/entities?upsert=true&merge=true failed: 422 blueprint_schema_mismatch: ${error.serverMessage} (trace ${error.traceId})`,
    );
  });

  test('a server that cannot be reached: a network error after every attempt', async () => {
    const { client } = testClient(await closedPortUrl(), { maxRetries: 2 });
    const error = (await failureOf(client.getEntity('team', 'x'))) as PortApiError;
    expect(error.isNetworkError).toBe(true);
    expect(error.attempts).toBe(3);
    // The token is the first thing it needs.
    expect(error.message).toMatch(
      /^getAccessToken POST \/v1\/auth\/access_token failed after 3 attempts: network error: .*ECONNREFUSED/,
    );
  });
});

describe('secrets', () => {
  test('neither the client secret nor the token reaches a log line or an error message', async () => {
    const { client, lines } = testClient(proxy.url, { timeoutMs: 200, maxRetries: 1 });
    const messages: string[] = [];
    const attempt = async (call: Promise<unknown>) => {
      try {
        await call;
      } catch (error) {
        messages.push(String(error), (error as Error).stack ?? '');
      }
    };
    await attempt(client.upsertEntity('team', { identifier: 's1', properties: { size: 1 } }));
    await attempt(
      client.bulkUpsertEntities([
        { blueprint: 'team', identifier: 's2' },
        { blueprint: 'none', identifier: 's3' },
      ]),
    );
    await attempt(client.upsertEntity('team', { identifier: 's4', properties: { size: 'x' } }));
    proxy.inject({ path: `${ENTITIES}/s1`, action: { status: 401 }, times: 2 });
    await attempt(client.getEntity('team', 's1'));
    proxy.inject({ path: `${ENTITIES}/s1`, action: { hang: 'before-forwarding' }, times: 2 });
    await attempt(client.getEntity('team', 's1'));
    // A server that echoes the token back in its message.
    proxy.inject({
      path: `${ENTITIES}/s1`,
      action: { status: 400, body: { ok: false, error: 'bad_request', message: `token ${catalog.token} is odd` } },
    });
    await attempt(client.getEntity('team', 's1'));
    const wrongSecret = testClient(proxy.url, { clientSecret: 'a-wrong-secret' });
    await attempt(wrongSecret.client.getEntity('team', 's1'));

    expect(messages.length).toBeGreaterThanOrEqual(4);
    expect(messages.join('\n')).toContain('token *** is odd');
    const everything = [...lines, ...wrongSecret.lines, ...messages].join('\n');
    expect(lines.some((line) => line.includes('body: {"identifier":"s1"'))).toBe(true); // bodies do reach debug
    expect(everything).not.toContain(TEST_CREDENTIALS.clientSecret);
    expect(everything).not.toContain('a-wrong-secret');
    expect(everything).not.toContain(catalog.token);
  });
});
