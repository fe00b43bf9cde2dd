import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../../helpers/catalog-server.ts';
import { OceanClient } from './ocean-client.ts';

let catalog: TestCatalog;

beforeAll(async () => {
  catalog = await startTestCatalog();
});
afterAll(async () => catalog.close());

const decode = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const blueprintsWith = (token: string) =>
  fetch(`${catalog.url}/v1/blueprints`, { headers: { authorization: `Bearer ${token}` } });

describe('access tokens are JWTs', () => {
  test('with the claims a client decodes: exp matching expiresIn, iat, the client and the organization', async () => {
    const ocean = new OceanClient(catalog.url, TEST_CREDENTIALS, { type: 'github', version: '1', identifier: 'gh' });
    const before = Math.floor(Date.now() / 1000);
    const { status, body } = await ocean.accessToken();
    expect(status).toBe(200);
    expect(body.tokenType).toBe('Bearer');
    const parts = body.accessToken.split('.');
    expect(parts).toHaveLength(3);
    expect(decode(parts[0]!)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decode(parts[1]!);
    const organization = await ocean.organization();
    expect(claims).toMatchObject({
      iss: 'wharf',
      sub: TEST_CREDENTIALS.clientId,
      clientId: TEST_CREDENTIALS.clientId,
      orgId: organization.body.organization.id,
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before - 1);
    expect(claims.exp).toBe((claims.iat as number) + 3 * 3600);
    // Ocean refreshes expiresIn seconds after it asked: never after the token's own exp.
    expect(before + body.expiresIn).toBeLessThanOrEqual(claims.exp as number);
    expect((await blueprintsWith(body.accessToken)).status).toBe(200);
  });

  test('a token altered in any part, or claiming another algorithm, is refused with 401', async () => {
    const [header, payload, signature] = catalog.token.split('.') as [string, string, string];
    const claims = decode(payload);
    const later = encode({ ...claims, exp: (claims.exp as number) + 3600 });
    const otherClient = encode({ ...claims, sub: 'someone-else', clientId: 'someone-else' });
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    const forged = [
      `${header}.${later}.${signature}`,
      `${header}.${otherClient}.${signature}`,
      `${header}.${payload}.${flipped}`,
      `${header}.${payload}.`,
      `${header}.${payload}.${signature}!!`,
      `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      `${encode({ alg: 'HS512', typ: 'JWT' })}.${payload}.${signature}`,
      `${header}.${payload}`,
      `${catalog.token}.${signature}`,
    ];
    for (const token of forged) {
      const response = await blueprintsWith(token);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('unauthorized');
    }
  });

  test('a token signed with the right key but never issued here is refused: tokens are still recorded', async () => {
    // Another catalog run with the same credential signs with the same key; this one has no record of its token.
    const other = await startTestCatalog();
    try {
      const response = await blueprintsWith(other.token);
      expect(other.token).not.toBe(catalog.token);
      expect(response.status).toBe(401);
      expect(
        (await fetch(`${other.url}/v1/blueprints`, { headers: { authorization: `Bearer ${other.token}` } })).status,
      ).toBe(200);
    } finally {
      await other.close();
    }
  });
});
