import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portSignatureHeaders } from '../../src/signing/index.ts';
import { FailedAttempts } from '../../src/throttle/index.ts';
import { inProcessFetch } from '../../server/in-process-fetch.ts';
import { startServer } from '../../server/server.ts';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../helpers/catalog-server.ts';
import { type ChildServer, startChildServer } from '../helpers/child-server.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { getRunLogs, startRun, waitForRun } from '../helpers/runs.ts';
import { hasValidPortSignature } from '../helpers/signature.ts';
import { duringAttack } from './responsiveness.ts';

type Problem = { ok: boolean; error: string; message: string };

let catalog: TestCatalog;
const warnings: string[] = [];

beforeAll(async () => {
  catalog = await startTestCatalog({ warn: (message) => warnings.push(message) });
  await catalog.api('POST', '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: { properties: { language: { type: 'string' }, tags: { type: 'array' } } },
  });
  for (const [identifier, language] of [
    ['billing', 'Go'],
    ['search', 'Rust'],
    ['web', 'TypeScript'],
  ] as const) {
    await catalog.api('POST', '/v1/blueprints/service/entities', { identifier, properties: { language } });
  }
});
afterAll(async () => catalog.close());

/** A request sent from `localAddress` (any 127.x address reaches the server on 127.0.0.1), as another source. */
function fromAddress(
  localAddress: string,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Problem }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: init.method, headers: init.headers, localAddress }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode!,
          headers: response.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Problem,
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

describe('content types and unknown paths', () => {
  test('a text/plain body on a /v1 route is a 415 naming the content type and what to send', async () => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints', '{"identifier":"x","title":"X"}', {
      'content-type': 'text/plain',
    });
    expect(response.status).toBe(415);
    expect(response.body).toEqual({
      ok: false,
      error: 'unsupported_media_type',
      message:
        'request body of content type "text/plain" is not supported: send JSON with "Content-Type: application/json"',
    });
    expect((await catalog.api('GET', '/v1/blueprints/x')).status).toBe(404);
  });

  test('a body without a content type is a 415 saying so', async () => {
    const response = await fromAddress('127.0.0.1', `${catalog.url}/v1/blueprints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${catalog.token}`, 'content-length': '2' },
      body: '{}',
    });
    expect(response.status).toBe(415);
    expect(response.body.message).toBe(
      'request body without a Content-Type is not supported: send JSON with "Content-Type: application/json"',
    );
  });

  test('without a token, a /v1 route still answers 401 first, whatever the body', async () => {
    const response = await fetch(`${catalog.url}/v1/blueprints`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(401);
    const unknown = await fetch(`${catalog.url}/v1/nothing-here`);
    expect(unknown.status).toBe(401);
  });

  test('paths outside /v1 that nothing serves are 404 in the envelope, with or without a token', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/wp-admin'],
      ['POST', '/v1beta/entities'],
      ['DELETE', '/api/nothing?x=1'],
    ] as const) {
      const response = await fetch(`${catalog.url}${path}`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        ok: false,
        error: 'not_found',
        message: `no route ${method} ${path.split('?')[0]}`,
      });
    }
  });
});

describe('searches with very many values or rules', () => {
  const manyValues = (count: number): string[] => Array.from({ length: count }, (_, index) => index.toString(36));
  const search = (body: unknown) =>
    catalog.api<Problem & { entities: { identifier: string }[] }>('POST', '/v1/entities/search', body);
  const identifiers = (entities: { identifier: string }[]): string[] => entities.map((entity) => entity.identifier);

  test('`in` and `notIn` with 100,000 values run, and the server keeps answering', async () => {
    const values = [...manyValues(100_000), 'billing', 'web'];
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () =>
      search({ combinator: 'and', rules: [{ property: '$identifier', operator: 'in', value: values }] }),
    );
    expect(result.status).toBe(200);
    expect(identifiers(result.body.entities)).toEqual(['billing', 'web']);
    expect(slowestHealthzMs).toBeLessThan(1000);

    const excluded = await search({
      combinator: 'and',
      rules: [{ property: 'language', operator: 'notIn', value: [...manyValues(100_000), 'Go'] }],
    });
    expect(excluded.status).toBe(200);
    expect(identifiers(excluded.body.entities)).toEqual(['search', 'web']);
  });

  test('a blueprint search and relatedTo take 100,000 values too', async () => {
    const page = await catalog.api<{ entities: { identifier: string }[] }>(
      'POST',
      '/v1/blueprints/service/entities/search',
      {
        query: {
          combinator: 'or',
          rules: [{ property: 'language', operator: 'in', value: [...manyValues(100_000), 'Rust'] }],
        },
      },
    );
    expect(page.status).toBe(200);
    expect(identifiers(page.body.entities)).toEqual(['search']);
    const related = await search({
      combinator: 'and',
      rules: [{ operator: 'relatedTo', blueprint: 'service', value: manyValues(100_000) }],
    });
    expect(related.status).toBe(200);
    expect(related.body.entities).toEqual([]);
  });

  test('5,000 rules are a 422 naming the limit, and the server keeps answering', async () => {
    const rules = Array.from({ length: 5000 }, (_, index) => ({
      property: 'language',
      operator: '=',
      value: `language-${index}`,
    }));
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () => search({ combinator: 'or', rules }));
    expect(result.status).toBe(422);
    expect(result.body).toEqual({
      ok: false,
      error: 'invalid_request',
      message: 'body.rules: 5,000 rules in all; at most 1,000',
    });
    expect(slowestHealthzMs).toBeLessThan(1000);
  });

  test('rules spread over nested queries count together', async () => {
    const group = (count: number) => ({
      combinator: 'or',
      rules: Array.from({ length: count }, () => ({ property: '$title', operator: 'isEmpty' })),
    });
    const response = await search({ combinator: 'and', rules: [group(600), group(600)] });
    expect(response.status).toBe(422);
    expect(response.body.message).toBe('body.rules: 1,202 rules in all; at most 1,000');
  });

  test('1,000 of the costliest rules, nested 20 deep, run', async () => {
    const costly = (index: number) => [
      { operator: 'relatedTo', blueprint: 'service', value: [`a-${index}`, `b-${index}`], required: true },
      { property: 'tags', operator: 'containsAny', value: [`x-${index}`, 'y', 'z'] },
      {
        property: '$createdAt',
        operator: 'notBetween',
        value: { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' },
      },
      { relation: 'owner', targetProperty: '$title', operator: 'notIn', value: ['a', 'b'] },
      { property: 'language', operator: 'doesNotContains', value: `nothing-${index}` },
    ];
    // 19 levels of a nested query and a rule each (38), the outer query (1) and the rest of the 1,000 at the bottom.
    let query: Record<string, unknown> = {
      combinator: 'or',
      rules: Array.from({ length: 196 }, (_, index) => costly(index))
        .flat()
        .slice(0, 961),
    };
    for (let level = 0; level < 19; level++) {
      query = {
        combinator: level % 2 ? 'or' : 'and',
        rules: [query, { property: 'language', operator: '!=', value: 'COBOL' }],
      };
    }
    query = { combinator: 'and', rules: [query] };
    const response = await search(query);
    expect(response.status).toBe(200);
    expect(identifiers(response.body.entities)).toEqual(['billing', 'search', 'web']);
  });

  test('containsAny with more values than it scans for is a 422 naming the rule and the limit', async () => {
    const response = await search({
      combinator: 'and',
      rules: [
        { combinator: 'or', rules: [{ property: 'language', operator: 'containsAny', value: manyValues(5000) }] },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.body.message).toBe('body.rules[0].rules[0].value: containsAny with 5,000 values; at most 1,000');
  });

  test('a blueprint search projecting 100,000 paths is a 422 naming the field and the limit', async () => {
    const { result, slowestHealthzMs } = await duringAttack(catalog.url, () =>
      catalog.api<Problem>('POST', '/v1/blueprints/service/entities/search', {
        include: manyValues(100_000),
      }),
    );
    expect(result.status).toBe(422);
    expect(result.body.message).toBe('body.include: at most 1,000 paths');
    expect(slowestHealthzMs).toBeLessThan(1000);
  });

  test('a long text value runs', async () => {
    const response = await search({
      combinator: 'and',
      rules: [
        { property: 'language', operator: 'beginsWith', value: 'G'.repeat(200_000) },
        { property: 'language', operator: 'contains', value: '%_'.repeat(100_000) },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.entities).toEqual([]);
  });

  test('run list filters repeated as often as a URL allows still answer', async () => {
    // About 12 KB: Node refuses request heads over 16 KB itself (431), before any route.
    const query = Array.from({ length: 500 }, (_, index) => `entity=e${index}&action=a${index}`).join('&');
    const response = await catalog.api<{ runs: unknown[] }>('GET', `/v1/actions/runs?${query}`);
    expect(response.status).toBe(200);
    expect(response.body.runs).toEqual([]);
  });
});

describe('failed credential attempts', () => {
  const tokenRequest = (localAddress: string, body: unknown) =>
    fromAddress(localAddress, `${catalog.url}/v1/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('10 wrong secrets from one source, then 429 with Retry-After; another source is unaffected', async () => {
    warnings.length = 0;
    const wrong = { clientId: TEST_CREDENTIALS.clientId, clientSecret: 'guess-the-secret' };
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await tokenRequest('127.0.0.3', wrong)).status).toBe(401);
    }
    const refused = await tokenRequest('127.0.0.3', TEST_CREDENTIALS);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(61);
    expect(refused.body).toEqual({
      ok: false,
      error: 'rate_limit_exceeded',
      message: `too many failed credential attempts from 127.0.0.3 (at most 10 per 60 s); retry after ${refused.headers['retry-after']} s`,
    });
    const other = await tokenRequest('127.0.0.4', TEST_CREDENTIALS);
    expect(other.status).toBe(200);

    expect(warnings).toHaveLength(10);
    expect(warnings[0]).toBe(
      `POST /v1/auth/access_token: wrong credentials for client id "${TEST_CREDENTIALS.clientId}" from 127.0.0.3`,
    );
    expect(warnings.join('\n')).not.toContain('guess-the-secret');
  });

  test('POST /api/resync and GET /api/resync/{id} with a wrong bearer are throttled the same way', async () => {
    warnings.length = 0;
    const resync = (localAddress: string, secret: string, index: number) =>
      fromAddress(localAddress, `${catalog.url}/api/resync${index % 2 ? '/1' : ''}`, {
        method: index % 2 ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${secret}` },
      });
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await resync('127.0.0.5', 'wrong-secret', attempt)).status).toBe(401);
    }
    const refused = await resync('127.0.0.5', TEST_CREDENTIALS.clientSecret, 0);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.message).toMatch(
      /^too many failed credential attempts from 127\.0\.0\.5 \(at most 10 per 60 s\)/,
    );
    // The right secret from elsewhere passes the check (and meets the App being off here).
    expect((await resync('127.0.0.6', TEST_CREDENTIALS.clientSecret, 0)).status).toBe(503);
    expect(warnings).toHaveLength(10);
    expect(warnings[0]).toBe('POST /api/resync: wrong or missing bearer token from 127.0.0.5');
    expect(warnings.join('\n')).not.toContain('wrong-secret');
  });
});

describe('failed credential attempts on 127.0.0.1', () => {
  test("do not throttle the App's own calls to the catalog in memory", async () => {
    const wrong = JSON.stringify({ clientId: 'someone', clientSecret: 'guess' });
    for (let attempt = 0; attempt < 11; attempt++) {
      await fromAddress('127.0.0.1', `${catalog.url}/v1/auth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: wrong,
      });
    }
    const appFetch = inProcessFetch(() => catalog.server.app, catalog.url);
    const response = await appFetch(`${catalog.url}/v1/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_CREDENTIALS),
      signal: AbortSignal.timeout(5000),
    });
    expect(response.status).toBe(200);
  });
});

describe('what the throttle remembers', () => {
  test('stays bounded however many sources fail, and forgets ended windows first', () => {
    const attempts = new FailedAttempts({ limit: 3, periodSeconds: 60, maxSources: 100 });
    const start = Date.UTC(2026, 0, 1);
    for (let source = 0; source < 10_000; source++) attempts.fail(`10.0.${source >> 8}.${source & 255}`, start);
    expect(attempts.sources).toBe(100);
    // The latest sources are the ones remembered: one more failure each puts them over the limit.
    for (let failure = 0; failure < 2; failure++) attempts.fail('10.0.39.15', start);
    expect(attempts.retryAfter('10.0.39.15', start + 1000)).toBe(59);
    expect(attempts.retryAfter('10.0.39.15', start + 60_000)).toBeUndefined();
    // Once their windows ended, a new source takes the room of all of them rather than pushing out one.
    attempts.fail('192.0.2.1', start + 60_000);
    expect(attempts.sources).toBe(1);
  });
});

describe('access tokens are bound to the credential that issued them', () => {
  test('after a restart with another client secret or id, earlier tokens answer 401', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-hostile-'));
    const start = (credentials: { clientId: string; clientSecret: string }) =>
      startServer({ port: 0, host: '127.0.0.1', dataDir, credentials, warn: () => {} });
    const tokenOf = async (url: string, credentials: { clientId: string; clientSecret: string }) => {
      const response = await fetch(`${url}/v1/auth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(credentials),
      });
      return ((await response.json()) as { accessToken: string }).accessToken;
    };
    const blueprints = (url: string, token: string) =>
      fetch(`${url}/v1/blueprints`, { headers: { authorization: `Bearer ${token}` } });
    try {
      const original = { clientId: 'first-client', clientSecret: 'first-secret' };
      let server = await start(original);
      const token = await tokenOf(server.url, original);
      await server.close();

      // The same credentials again: the token lives on across the restart.
      server = await start(original);
      expect((await blueprints(server.url, token)).status).toBe(200);
      await server.close();

      for (const changed of [
        { ...original, clientSecret: 'rotated-secret' },
        { ...original, clientId: 'renamed-client' },
      ]) {
        server = await start(changed);
        const refused = await blueprints(server.url, token);
        expect(refused.status).toBe(401);
        expect(((await refused.json()) as Problem).message).toBe(
          'the access token is invalid or expired: get a new one from POST /v1/auth/access_token',
        );
        expect((await blueprints(server.url, await tokenOf(server.url, changed))).status).toBe(200);
        await server.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('invocation signatures', () => {
  const invoke = (raw: string, headers: Record<string, string>) =>
    fetch(`${catalog.url}/api/port/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw,
    });
  // A body the contract refuses: once the signature holds, nothing is dispatched, the answer is 422.
  const notAnInvocation = (): string => JSON.stringify({ note: `not an invocation ${randomBytes(4).toString('hex')}` });

  test('a decorated or malformed x-port-signature is a 401 naming the header', async () => {
    const raw = notAnInvocation();
    const signed = portSignatureHeaders(TEST_CREDENTIALS.clientSecret, raw);
    const signature = signed['x-port-signature']!;
    for (const decorated of [
      `v1,AAAA ${signature}`,
      `${signature}  ${signature}`,
      `${signature},extra`,
      `v2,${signature.slice(3)}`,
      `V1,${signature.slice(3)}`,
      Array.from({ length: 5 }, () => signature).join(' '),
    ]) {
      const response = await invoke(raw, { ...signed, 'x-port-signature': decorated });
      expect(response.status).toBe(401);
      expect(((await response.json()) as Problem).message).toBe(
        'x-port-signature is malformed: expected "v1,<base64 HMAC-SHA256>" (at most 4, separated by single spaces)',
      );
    }
  });

  test('replay protection keys on the signature itself, not on the header as sent', async () => {
    const raw = notAnInvocation();
    const signed = portSignatureHeaders(TEST_CREDENTIALS.clientSecret, raw);
    const signature = signed['x-port-signature']!;
    expect((await invoke(raw, signed)).status).toBe(422);
    const otherWellFormed = `v1,${randomBytes(32).toString('base64')}`;
    for (const replayed of [`${otherWellFormed} ${signature}`, `${signature} ${otherWellFormed}`, signature]) {
      const response = await invoke(raw, { ...signed, 'x-port-signature': replayed });
      expect(response.status).toBe(401);
      expect(((await response.json()) as Problem).message).toBe('this signed request was already received (replay)');
    }
  });
});

describe('outbound webhooks', () => {
  let receiver: Receiver;
  let counter = 0;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => receiver.close());

  async function runOf(invocationMethod: Record<string, unknown>): Promise<string> {
    const identifier = `hostile_${++counter}`;
    const created = await catalog.api('POST', '/v1/actions', {
      identifier,
      title: identifier,
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
      invocationMethod,
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    return (await startRun(catalog, identifier, { properties: {} })).run.id;
  }

  test("an action's own signature or content-type headers, in any case, neither duplicate nor replace wharf's", async () => {
    receiver.requests.length = 0;
    await runOf({
      type: 'WEBHOOK',
      url: `${receiver.url}/hook`,
      headers: {
        'X-Port-Signature': 'v1,forged',
        'X-PORT-TIMESTAMP': '1',
        'Content-Type': 'text/plain',
        'X-Team': 'platform',
      },
      body: { hello: 'world' },
    });
    const [request] = await receiver.waitFor(1);
    expect(hasValidPortSignature(request!, TEST_CREDENTIALS.clientSecret)).toBe(true);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-team']).toBe('platform');
    expect(request!.body).toEqual({ hello: 'world' });
  });

  test('a receiver that answers without end is read up to 1 MiB; the run ends saying so', async () => {
    let written = 0;
    const endless: Server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      // Bounded: 64 MiB at most, far past the limit; stops as soon as wharf hangs up.
      const pump = (): void => {
        while (written < 64 * 1024 * 1024 && !response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(endless.address() as AddressInfo).port}/endless`;
    try {
      const { result: runId, slowestHealthzMs } = await duringAttack(catalog.url, () =>
        runOf({ type: 'WEBHOOK', url, synchronized: true }),
      );
      const run = await waitForRun(catalog, runId);
      expect(run.status).toBe('SUCCESS');
      const message = (await getRunLogs(catalog, runId)).at(-1)!.message;
      expect(message).toMatch(
        new RegExp(
          `^Webhook POST ${url} answered 200 \\(an answer over 1048576 bytes, 1 MiB, read only that far\\): a{300}\\.\\.\\.$`,
        ),
      );
      expect(written).toBeLessThan(64 * 1024 * 1024);
      expect(slowestHealthzMs).toBeLessThan(1000);
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});

describe('the data directory', () => {
  const modeOf = (path: string): number => statSync(path).mode & 0o777;

  test('is 0700 and the SQLite files 0600, also when they existed with looser modes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-modes-'));
    try {
      let server = await startTestCatalog({ dataDir });
      await server.close({ keepData: true });
      chmodSync(dataDir, 0o755);
      for (const name of ['catalog.sqlite', 'app.sqlite']) chmodSync(join(dataDir, name), 0o644);
      // Left behind by a process that was killed, world-readable.
      for (const name of ['catalog.sqlite-wal', 'catalog.sqlite-shm']) {
        writeFileSync(join(dataDir, name), '', { mode: 0o644 });
        chmodSync(join(dataDir, name), 0o644);
      }
      server = await startTestCatalog({ dataDir });
      expect(modeOf(dataDir)).toBe(0o700);
      for (const name of ['catalog.sqlite', 'catalog.sqlite-wal', 'catalog.sqlite-shm', 'app.sqlite']) {
        expect([name, modeOf(join(dataDir, name))]).toEqual([name, 0o600]);
      }
      await server.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a generated secret is printed when it is generated, not at later starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-generated-'));
    const env = { WHARF_DATA_DIR: dataDir, PORT_CLIENT_ID: '', PORT_CLIENT_SECRET: '', APP_ID: '' };
    // The credentials are printed after "listening"; the last line of the start banner is about the App.
    const startedFully = async (): Promise<ChildServer> => {
      const child = await startChildServer(env);
      for (let wait = 0; wait < 250 && !child.output().includes('GitHub App:'); wait++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await child.stop('SIGTERM');
      return child;
    };
    try {
      const first = await startedFully();
      const stored = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as typeof TEST_CREDENTIALS;
      expect(first.output()).toContain(`PORT_CLIENT_SECRET=${stored.clientSecret}`);
      expect(first.output()).toMatch(
        /^console: http:\/\/\S+\/console \(sign in with the catalog's client id and secret\)$/m,
      );
      expect(modeOf(join(dataDir, 'credentials.json'))).toBe(0o600);

      const second = await startedFully();
      expect(second.output()).not.toContain(stored.clientSecret);
      expect(second.output()).toContain(
        `credentials: PORT_CLIENT_ID=${stored.clientId}, secret in ${dataDir}/credentials.json`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
