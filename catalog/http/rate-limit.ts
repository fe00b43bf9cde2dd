export interface RateLimitSettings {
  /** Requests allowed per client in one period. */
  limit: number;
  periodSeconds: number;
}

export interface RateLimitState {
  allowed: boolean;
  headers: Record<string, string>;
}

/**
 * A fixed-window counter per client with the vendor's headers (`x-ratelimit-reset` in epoch seconds), so clients
 * written for the vendor can pace themselves against the embedded catalog too.
 */
export class RateLimiter {
  private readonly settings: RateLimitSettings;
  private readonly windows = new Map<string, { resetAt: number; used: number }>();

  constructor(settings: RateLimitSettings) {
    this.settings = settings;
  }

  take(client: string, nowMs: number): RateLimitState {
    const { limit, periodSeconds } = this.settings;
    let window = this.windows.get(client);
    if (!window || window.resetAt * 1000 <= nowMs) {
      if (this.windows.size >= 10_000) this.forgetEnded(nowMs);
      window = { resetAt: Math.ceil(nowMs / 1000) + periodSeconds, used: 0 };
      this.windows.set(client, window);
    }
    window.used++;
    const allowed = window.used <= limit;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.used)),
      'x-ratelimit-reset': String(window.resetAt),
      'x-ratelimit-period': String(periodSeconds),
    };
    if (!allowed) headers['retry-after'] = String(Math.max(1, window.resetAt - Math.floor(nowMs / 1000)));
    return { allowed, headers };
  }

  /** Windows of clients seen once (addresses without a token) would otherwise pile up. */
  private forgetEnded(nowMs: number): void {
    for (const [client, window] of this.windows) if (window.resetAt * 1000 <= nowMs) this.windows.delete(client);
  }
}
