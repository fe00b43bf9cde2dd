import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../helpers/catalog-server.ts';

let catalog: TestCatalog;
beforeAll(async () => {
  catalog = await startTestCatalog({ rateLimit: { limit: 40, periodSeconds: 60 } });
});
afterAll(async () => catalog.close());

const tokenRequest = (body: unknown) =>
  fetch(`${catalog.url}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('POST /v1/auth/access_token', () => {
  test('issues a bearer token with expiresIn, and the same token while it lives', async () => {
    const first = await tokenRequest(TEST_CREDENTIALS);
    expect(first.status).toBe(200);
    const body = (await first.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ok: true, tokenType: 'Bearer', accessToken: catalog.token });
    expect(body.expiresIn).toBeGreaterThan(3 * 3600 - 60);
    expect(body.expiresIn).toBeLessThanOrEqual(3 * 3600);
    const second = (await (await tokenRequest(TEST_CREDENTIALS)).json()) as Record<string, unknown>;
    expect(second.accessToken).toBe(body.accessToken);
  });

  test('refuses a wrong secret or client id with 401', async () => {
    for (const body of [
      { ...TEST_CREDENTIALS, clientSecret: 'wrong' },
      { ...TEST_CREDENTIALS, clientId: 'someone-else' },
    ]) {
      const response = await tokenRequest(body);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        ok: false,
        error: 'unauthorized',
        message: 'clientId or clientSecret is wrong',
      });
    }
  });

  test('names the missing field of a malformed request', async () => {
    const response = await tokenRequest({ clientId: 'x' });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('invalid_request');
    expect(body.message).toMatch(/^body\.clientSecret: /);
  });
});

describe('every other /v1 route', () => {
  test('answers 401 without a token, with a bad one, and with a malformed header', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic abc' }] as Record<
      string,
      string
    >[]) {
      const response = await fetch(`${catalog.url}/v1/blueprints`, { headers });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { ok: boolean; error: string; message: string };
      expect(body.ok).toBe(false);
      expect(body.error).toBe('unauthorized');
      expect(body.message).toMatch(/access_token/);
    }
  });

  test('answers with a valid token', async () => {
    const response = await catalog.api('GET', '/v1/blueprints');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, blueprints: [] });
  });
});

describe('rate limit', () => {
  test('sends the headers on every response and 429 with Retry-After past the limit', async () => {
    const unauthorized = await fetch(`${catalog.url}/v1/blueprints`);
    expect(unauthorized.headers.get('x-trace-id')).toMatch(/^[0-9a-f-]{36}$/);
    let last: Response | undefined;
    for (let i = 0; i < 50; i++) {
      last = await fetch(`${catalog.url}/v1/blueprints`, { headers: { authorization: `Bearer ${catalog.token}` } });
      expect(last.headers.get('x-ratelimit-limit')).toBe('40');
      expect(Number(last.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      expect(last.headers.get('x-ratelimit-period')).toBe('60');
      if (last.status === 429) break;
      expect(Number(last.headers.get('x-ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
    }
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last!.json()) as { error: string }).error).toBe('rate_limit_exceeded');
  });
});
