import { randomBytes } from 'node:crypto';

/** How long a console session lasts from sign-in: a working day, then the person signs in again. */
export const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;

/**
 * Console sessions, in memory: the cookie carries a random id (signed), and signing out forgets it here, so a copied
 * cookie is worthless after sign-out. A restart signs everyone out, which the one-process catalog can afford.
 */
export class SessionStore {
  private readonly sessions = new Map<string, number>();
  private readonly lifetimeMs: number;

  constructor(lifetimeMs = SESSION_LIFETIME_MS) {
    this.lifetimeMs = lifetimeMs;
  }

  /** A new session id and when it expires (epoch ms). */
  start(nowMs: number): { id: string; expiresAt: number } {
    this.forgetExpired(nowMs);
    const id = randomBytes(32).toString('base64url');
    const expiresAt = nowMs + this.lifetimeMs;
    this.sessions.set(id, expiresAt);
    return { id, expiresAt };
  }

  isLive(id: string | undefined, nowMs: number): boolean {
    if (!id) return false;
    const expiresAt = this.sessions.get(id);
    if (expiresAt === undefined) return false;
    if (expiresAt > nowMs) return true;
    this.sessions.delete(id);
    return false;
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private forgetExpired(nowMs: number): void {
    for (const [id, expiresAt] of this.sessions) if (expiresAt <= nowMs) this.sessions.delete(id);
  }
}
