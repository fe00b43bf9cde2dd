import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Access tokens as JSON Web Tokens (RFC 7519) signed with HMAC-SHA256, the form the vendor's tokens have and its
 * clients decode. Only tokens this catalog signed are ever verified, so the header is one fixed string: a token
 * naming another algorithm (`none` included) does not match it and is refused before its signature is looked at.
 */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** The claims wharf puts in an access token; `exp` and `iat` in seconds since the epoch, as RFC 7519 has them. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  clientId: string;
  orgId: string;
  iat: number;
  exp: number;
  jti: string;
}

function signature(signingInput: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

export function signJwt(claims: AccessTokenClaims, key: Buffer): string {
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${signature(signingInput, key).toString('base64url')}`;
}

/** The claims of a token `key` signed that has not expired at `nowMs`; undefined for anything else. */
export function verifyJwt(token: string, key: Buffer, nowMs: number): AccessTokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
  const given = Buffer.from(parts[2]!, 'base64url');
  const expected = signature(`${parts[0]}.${parts[1]}`, key);
  // base64url decoding skips characters outside its alphabet; re-encoding catches a signature padded with them.
  if (given.length !== expected.length || given.toString('base64url') !== parts[2]) return undefined;
  if (!timingSafeEqual(given, expected)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { exp, sub } = claims as Partial<AccessTokenClaims>;
  if (typeof exp !== 'number' || typeof sub !== 'string' || exp * 1000 <= nowMs) return undefined;
  return claims as AccessTokenClaims;
}
