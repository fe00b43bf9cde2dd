import { FixedWindows, secondsUntilReset } from '../../src/throttle/index.ts';

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
  private readonly windows: FixedWindows;

  constructor(settings: RateLimitSettings) {
    this.settings = settings;
    this.windows = new FixedWindows(settings.periodSeconds);
  }

  take(client: string, nowMs: number): RateLimitState {
    const { limit, periodSeconds } = this.settings;
    const window = this.windows.count(client, nowMs);
    const allowed = window.used <= limit;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.used)),
      'x-ratelimit-reset': String(window.resetAt),
      'x-ratelimit-period': String(periodSeconds),
    };
    if (!allowed) headers['retry-after'] = String(secondsUntilReset(window, nowMs));
    return { allowed, headers };
  }
}
