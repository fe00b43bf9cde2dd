import { FixedWindows, secondsUntilReset } from './fixed-windows.ts';

export interface FailedAttemptSettings {
  /** Failures a source may make in one period; past them it is refused until the period ends. */
  limit: number;
  periodSeconds: number;
  /** Sources remembered at most; bounds memory whatever the number of addresses trying. */
  maxSources?: number;
}

/** Ten wrong credentials a minute is more than a person mistyping and far too few to guess a secret. */
export const DEFAULT_FAILED_ATTEMPTS: FailedAttemptSettings = { limit: 10, periodSeconds: 60 };

/**
 * Failed credential attempts per source address. A source over its limit is refused before its credential is even
 * compared, so guessing slows to `limit` tries per period; other sources are unaffected.
 */
export class FailedAttempts {
  readonly settings: FailedAttemptSettings;
  private readonly failures: FixedWindows;

  constructor(settings: FailedAttemptSettings = DEFAULT_FAILED_ATTEMPTS) {
    this.settings = settings;
    this.failures = new FixedWindows(settings.periodSeconds, settings.maxSources);
  }

  /** Seconds `source` must wait before it may try again; undefined when it may try now. */
  retryAfter(source: string, nowMs: number): number | undefined {
    const window = this.failures.current(source, nowMs);
    return window && window.used >= this.settings.limit ? secondsUntilReset(window, nowMs) : undefined;
  }

  fail(source: string, nowMs: number): void {
    this.failures.count(source, nowMs);
  }

  /** Sources remembered now; never more than `maxSources`. */
  get sources(): number {
    return this.failures.size;
  }

  /** The message of a 429 for a source that must wait `retryAfter` seconds. */
  describeRefusal(source: string, retryAfter: number): string {
    const { limit, periodSeconds } = this.settings;
    return `too many failed credential attempts from ${source} (at most ${limit} per ${periodSeconds} s); retry after ${retryAfter} s`;
  }
}
