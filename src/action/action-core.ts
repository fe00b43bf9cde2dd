import type { InputName } from './inputs.ts';

/**
 * What the step takes from the runner and gives back to it: the part of `@actions/core` it uses. index.ts passes
 * `@actions/core` itself; tests pass one that records, so that they run the Action's source rather than its bundle.
 */
export interface ActionCore {
  /** The input as the runner passes it (INPUT_<NAME>): trimmed, '' when not given. */
  getInput(name: InputName): string;
  /** From here on the runner shows `secret` as *** in the log. */
  setSecret(secret: string): void;
  /** Writes `value` as the output `name`: a string as it is, anything else as JSON. */
  setOutput(name: string, value: unknown): void;
  /** Logs the message as an error and makes the step fail (the process exits 1). */
  setFailed(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  /** Whether the run has debug logging on (RUNNER_DEBUG). */
  isDebug(): boolean;
  /**
   * The job summary (the GITHUB_STEP_SUMMARY file; `write` appends what was added). Absent where the runner asks for
   * none (`core.summary` would fail there).
   */
  summary?: { addRaw(markdown: string): { write(): Promise<unknown> } };
}
