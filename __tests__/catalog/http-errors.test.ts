import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';

let catalog: TestCatalog;
beforeAll(async () => {
  catalog = await startTestCatalog();
});
afterAll(async () => catalog.close());

describe('error envelope', () => {
  test('malformed JSON is a 400 that says where the body is broken', async () => {
    const response = await catalog.api<{ ok: boolean; error: string; message: string }>(
      'POST',
      '/v1/blueprints',
      '{"identifier": "svc",\n "title": }',
    );
    expect(response.status).toBe(400);
    expect(response.body.ok).toBe(false);
    expect(response.body.error).toBe('bad_request');
    expect(response.body.message).toBe(
      'request body is not valid JSON: expected a value at line 2, column 11 (position 32)',
    );
  });

  test('a body over 1 MiB is refused with 413 and nothing is written', async () => {
    const big = { identifier: 'big', title: 'Big', schema: { properties: {} }, description: 'x'.repeat(1024 * 1024) };
    const response = await catalog.api<{ error: string; message: string }>('POST', '/v1/blueprints', big);
    expect(response.status).toBe(413);
    expect(response.body.error).toBe('payload_too_large');
    expect((await catalog.api('GET', '/v1/blueprints/big')).status).toBe(404);
  });

  test('an unknown route is a 404 in the envelope', async () => {
    const response = await catalog.api('GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ ok: false, error: 'not_found', message: 'no route GET /v1/nothing-here' });
  });

  test('a missing blueprint is a 404 that names it', async () => {
    const response = await catalog.api('GET', '/v1/blueprints/ghost/entities/x');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ ok: false, error: 'not_found', message: 'blueprint "ghost" not found' });
  });

  test('a boolean query parameter that is not true/false is named', async () => {
    await catalog.api('POST', '/v1/blueprints', { identifier: 'thing', title: 'Thing', schema: { properties: {} } });
    const response = await catalog.api('POST', '/v1/blueprints/thing/entities?upsert=yes', { identifier: 'a' });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      ok: false,
      error: 'invalid_request',
      message: 'query parameter upsert must be true or false (got "yes")',
    });
  });

  test('healthz answers without a token', async () => {
    const response = await fetch(`${catalog.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
