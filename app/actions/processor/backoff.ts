import { backoffDelayMs } from '../../../src/retry/index.ts';

/**
 * The poll loop's waits: after an empty poll it waits longer each time, up to a ceiling, and after a failed one
 * longer still, so an idle wharf asks Port rarely and an unreachable Port is not hammered. Every wait has jitter, so
 * several processors on one catalog do not poll in step.
 */
export interface PollPacing {
  /** The wait after the first empty poll; it doubles with each empty poll after it. */
  idleMs: number;
  maxIdleMs: number;
  /** The wait after the first failed poll; it doubles with each failure after it. */
  errorMs: number;
  maxErrorMs: number;
}

export const DEFAULT_PACING: PollPacing = { idleMs: 1000, maxIdleMs: 10_000, errorMs: 1000, maxErrorMs: 60_000 };

/**
 * How long to wait before the next poll: none after a poll that found runs; after `streak` empty (or failed)
 * polls in a row, the base doubled `streak - 1` times up to the ceiling, the upper half of it chosen at random.
 */
export function nextPollDelay(
  pacing: PollPacing,
  last: 'runs' | 'empty' | 'error',
  streak: number,
  random: () => number = Math.random,
): number {
  if (last === 'runs') return 0;
  const [base, ceiling] = last === 'empty' ? [pacing.idleMs, pacing.maxIdleMs] : [pacing.errorMs, pacing.maxErrorMs];
  return backoffDelayMs({ baseMs: base, maxMs: ceiling, jitter: 0.5 }, streak, random);
}
