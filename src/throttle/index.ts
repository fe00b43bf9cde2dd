export { FixedWindows, secondsUntilReset, type Window } from './fixed-windows.ts';
export { FailedAttempts, DEFAULT_FAILED_ATTEMPTS, type FailedAttemptSettings } from './failed-attempts.ts';
