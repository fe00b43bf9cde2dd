/** One key's window: `used` events counted until `resetAt` (epoch seconds). */
export interface Window {
  resetAt: number;
  used: number;
}

/**
 * Fixed-window counters by key (a client, a source address). Memory stays bounded whatever the keys: windows that
 * ended are forgotten once `maxKeys` is reached, and the oldest live ones after that.
 */
export class FixedWindows {
  private readonly periodSeconds: number;
  private readonly maxKeys: number;
  private readonly windows = new Map<string, Window>();

  constructor(periodSeconds: number, maxKeys = 10_000) {
    this.periodSeconds = periodSeconds;
    this.maxKeys = maxKeys;
  }

  /** The key's current window, or undefined when it has none or its window ended. */
  current(key: string, nowMs: number): Window | undefined {
    const window = this.windows.get(key);
    return window && window.resetAt * 1000 > nowMs ? window : undefined;
  }

  /** Counts one event for `key`, opening a new window when its last one ended. */
  count(key: string, nowMs: number): Window {
    let window = this.current(key, nowMs);
    if (!window) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) this.makeRoom(nowMs);
      window = { resetAt: Math.ceil(nowMs / 1000) + this.periodSeconds, used: 0 };
      this.windows.set(key, window);
    }
    window.used++;
    return window;
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(nowMs: number): void {
    for (const [key, window] of this.windows) if (window.resetAt * 1000 <= nowMs) this.windows.delete(key);
    // Maps iterate in insertion order: the first keys are the oldest windows.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

/** Whole seconds until `window` ends, at least 1: the value of a `Retry-After` header. */
export function secondsUntilReset(window: Window, nowMs: number): number {
  return Math.max(1, window.resetAt - Math.floor(nowMs / 1000));
}
