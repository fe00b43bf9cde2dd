import { createHash, randomBytes } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export interface IssuedToken {
  accessToken: string;
  expiresAt: number;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Access tokens. Only a hash is stored, so a copied database file grants nothing; the plain token of the live
 * one is kept in memory so that asking again returns it, as the vendor does (one active token per client).
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

  issue(clientId: string, lifetimeMs: number, now: number): IssuedToken {
    const current = this.active.get(clientId);
    if (current && current.expiresAt > now) return current;
    this.purgeStatement.run(now);
    const issued = { accessToken: randomBytes(32).toString('base64url'), expiresAt: now + lifetimeMs };
    this.insertStatement.run(hashToken(issued.accessToken), clientId, issued.expiresAt);
    this.active.set(clientId, issued);
    return issued;
  }

  /** The client the token was issued to, when it is known and not expired. */
  verify(token: string, now: number): string | undefined {
    // Every request carries a token: the live ones are answered from memory, without hashing or a query.
    const known = this.verified.get(token);
    if (known) return known.expiresAt > now ? known.clientId : undefined;
    const row = this.findStatement.get(hashToken(token)) as { clientId: string; expiresAt: number } | undefined;
    if (!row || row.expiresAt <= now) return undefined;
    if (this.verified.size >= 1000) this.verified.clear();
    this.verified.set(token, row);
    return row.clientId;
  }
}
