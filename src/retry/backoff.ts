/** How long to wait before trying again: one exponential backoff with jitter, for every retry in wharf. */
export interface Backoff {
  /** The ceiling of the first wait; it doubles with each further one. */
  baseMs: number;
  /** No ceiling is higher. */
  maxMs: number;
  /**
   * The share of the ceiling chosen at random, so callers that failed together do not come back together: 1
   * spreads a wait over all of it (the shortest waits on average), 0.5 over its upper half (every wait at least half
   * the ceiling), 0 not at all.
   */
  jitter: number;
}

/** The wait before retry number `retry` (1 for the first), in whole milliseconds. */
export function backoffDelayMs(backoff: Backoff, retry: number, random: () => number = Math.random): number {
  // At most 30 doublings: more change nothing a clock can tell, and the ceiling stays finite when maxMs is not.
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(30, retry - 1));
  return Math.floor(ceiling * (1 - backoff.jitter + backoff.jitter * random()));
}
