import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { type AccessTokenClaims, signJwt, verifyJwt } from '../auth/jwt.ts';

/** The `iss` claim of wharf's tokens. */
export const TOKEN_ISSUER = 'wharf';

export interface IssuedToken {
  accessToken: string;
  expiresAt: number;
}

/** The credential pair a token is issued for; a token is only good while the server runs with the same pair. */
export interface TokenCredential {
  clientId: string;
  clientSecret: string;
}

/** The digest of a credential pair: the key of everything bound to it. */
function credentialDigest(credential: TokenCredential): Buffer {
  return createHash('sha256').update(credential.clientId).update('\0').update(credential.clientSecret).digest();
}

/**
 * What is stored for a token: an HMAC of it keyed with the credential that issued it. A copied database file
 * grants nothing, and once PORT_CLIENT_ID or PORT_CLIENT_SECRET changes no earlier token hashes to a stored row,
 * so every one of them is refused without a migration or a purge.
 */
function tokenKey(token: string, credential: TokenCredential): string {
  return createHmac('sha256', credentialDigest(credential)).update(token).digest('hex');
}

/**
 * The key tokens are signed with, derived from the credential: tokens survive a restart with the same credential
 * (as they did before they were JWTs), a new credential makes every earlier signature wrong, and nothing that
 * signs is kept anywhere.
 */
function signingKey(credential: TokenCredential): Buffer {
  return createHmac('sha256', credentialDigest(credential)).update('wharf access token signing key').digest();
}

/**
 * Access tokens: JWTs signed with the credential's key (catalog/auth/jwt.ts), each also recorded, so a token is good
 * only while its signature holds, it has not expired, and its row is there. The plain token of the live one is kept
 * in memory so that asking again returns it, as the vendor does (one active token per credential).
 */
export class TokenStore {
  private readonly active = new Map<string, IssuedToken>();
  private readonly verified = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly insertStatement: StatementSync;
  private readonly findStatement: StatementSync;
  private readonly purgeStatement: StatementSync;

  constructor(db: DatabaseSync) {
    this.insertStatement = db.prepare('INSERT INTO access_tokens (token_hash, client_id, expires_at) VALUES (?, ?, ?)');
    this.findStatement = db.prepare(
      'SELECT client_id AS clientId, expires_at AS expiresAt FROM access_tokens WHERE token_hash = ?',
    );
    this.purgeStatement = db.prepare('DELETE FROM access_tokens WHERE expires_at <= ?');
  }

  /** A token for the credential, with `orgId` among its claims; the live one again while it lasts. */
  async issue(credential: TokenCredential, lifetimeMs: number, now: number, orgId: string): Promise<IssuedToken> {
    const current = this.active.get(credential.clientId);
    if (current && current.expiresAt > now) return current;
    this.purgeStatement.run(now);
    // Whole seconds, as the claims carry them, so `exp` and the stored expiry agree.
    const issuedAt = Math.floor(now / 1000);
    const expiresAt = (issuedAt + Math.floor(lifetimeMs / 1000)) * 1000;
    const claims: AccessTokenClaims = {
      iss: TOKEN_ISSUER,
      sub: credential.clientId,
      clientId: credential.clientId,
      orgId,
      iat: issuedAt,
      exp: expiresAt / 1000,
      jti: randomBytes(16).toString('base64url'),
    };
    const issued = { accessToken: await signJwt(claims, signingKey(credential)), expiresAt };
    // Two requests at once may both have signed one: the first stored stays the live one.
    const raced = this.active.get(credential.clientId);
    if (raced && raced.expiresAt > now) return raced;
    this.insertStatement.run(tokenKey(issued.accessToken, credential), credential.clientId, issued.expiresAt);
    this.active.set(credential.clientId, issued);
    return issued;
  }

  /** The client the token was issued to, when `credential` issued it and it has not expired. */
  async verify(token: string, credential: TokenCredential, now: number): Promise<string | undefined> {
    // Every request carries a token: the live ones are answered from memory, without hashing or a query. The
    // process serves one credential, so a token verified once stays bound to it.
    const known = this.verified.get(token);
    if (known) return known.expiresAt > now ? known.clientId : undefined;
    const claims = await verifyJwt(token, signingKey(credential), TOKEN_ISSUER, now);
    if (!claims || claims.sub !== credential.clientId) return undefined;
    const row = this.findStatement.get(tokenKey(token, credential)) as
      { clientId: string; expiresAt: number } | undefined;
    if (!row || row.expiresAt <= now || row.clientId !== credential.clientId) return undefined;
    if (this.verified.size >= 1000) this.verified.clear();
    this.verified.set(token, row);
    return row.clientId;
  }
}
