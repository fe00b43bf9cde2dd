import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * Access tokens as JSON Web Tokens (RFC 7519) signed with HMAC-SHA256, the form the vendor's tokens have and its
 * clients decode. Signing and verifying are jose's; only HS256 is accepted, so a token naming another algorithm
 * (`none` included) is refused whatever its signature.
 */
const ALGORITHM = 'HS256';

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

export function signJwt(claims: AccessTokenClaims, key: Uint8Array): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' }).sign(key);
}

/** The claims of a token `key` signed, issued by `issuer`, that has not expired at `nowMs`; undefined for anything else. */
export async function verifyJwt(
  token: string,
  key: Uint8Array,
  issuer: string,
  nowMs: number,
): Promise<AccessTokenClaims | undefined> {
  try {
    const { payload } = await jwtVerify<AccessTokenClaims>(token, key, {
      algorithms: [ALGORITHM],
      issuer,
      currentDate: new Date(nowMs),
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
    });
    return payload as AccessTokenClaims;
  } catch (error) {
    // A token that is not one of ours (malformed, forged, expired, another algorithm) is simply not valid.
    if (error instanceof errors.JOSEError) return undefined;
    throw error;
  }
}
