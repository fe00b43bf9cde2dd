import { PortApiError } from './errors.ts';
import type { PortHttp } from './http.ts';

export interface AccessToken {
  accessToken: string;
  /** Seconds from now. */
  expiresIn: number;
}

export interface TokenCache {
  /** The cached token while it is fresh, else a new one; callers arriving meanwhile share one request. */
  get(): Promise<string>;
  /** Forgets `token` after the server refused it, so that the next get() asks for a new one. */
  invalidate(token: string): void;
}

/** Refresh this long before the server's expiry: 10% of the lifetime, at most 5 minutes. */
function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(5 * 60_000, lifetimeMs / 10);
}

export function createTokenCache(requestToken: () => Promise<AccessToken>, now: () => number = Date.now): TokenCache {
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return {
    get() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      pending ??= requestToken()
        .then(({ accessToken, expiresIn }) => {
          const lifetimeMs = expiresIn * 1000;
          cached = { token: accessToken, refreshAt: now() + lifetimeMs - refreshMarginMs(lifetimeMs) };
          return accessToken;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

/** POST /v1/auth/access_token. Safe to repeat: the server hands out the same token until it expires. */
export async function requestAccessToken(
  http: PortHttp,
  credentials: { clientId: string; clientSecret: string },
): Promise<AccessToken> {
  const request = {
    operation: 'getAccessToken',
    method: 'POST',
    path: '/v1/auth/access_token',
    body: { clientId: credentials.clientId, clientSecret: credentials.clientSecret },
    idempotent: true,
    anonymous: true,
    secretBody: true,
  } as const;
  const answer = await http.send<Partial<AccessToken>>(request);
  const { accessToken, expiresIn } = answer.body;
  if (typeof accessToken !== 'string' || accessToken === '' || typeof expiresIn !== 'number') {
    throw new PortApiError({
      ...request,
      status: answer.status,
      serverMessage: 'the answer has no accessToken and expiresIn',
      traceId: answer.traceId,
      attempts: answer.attempts,
    });
  }
  return { accessToken, expiresIn };
}
