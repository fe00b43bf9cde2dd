/** How far one evaluation of a user's jq program may go before it is stopped. */
export interface JqLimits {
  /** Wall-clock time of one evaluation, in milliseconds (`WHARF_JQ_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Memory jq may take in one worker, in MiB (`WHARF_JQ_MEMORY_MB`). */
  memoryMb: number;
  /** Worker threads evaluating at once (`WHARF_JQ_WORKERS`). */
  workers: number;
}

export const DEFAULT_JQ_LIMITS: JqLimits = { timeoutMs: 2000, memoryMb: 256, workers: 2 };

const VARIABLES: Record<keyof JqLimits, { name: string; min: number; max: number }> = {
  timeoutMs: { name: 'WHARF_JQ_TIMEOUT_MS', min: 10, max: 600_000 },
  memoryMb: { name: 'WHARF_JQ_MEMORY_MB', min: 32, max: 2047 },
  workers: { name: 'WHARF_JQ_WORKERS', min: 1, max: 64 },
};

/** The limits the environment sets, each checked; a bad value is an error naming the variable. */
export function jqLimitsFromEnv(env: NodeJS.ProcessEnv): JqLimits {
  const limits = { ...DEFAULT_JQ_LIMITS };
  for (const [key, variable] of Object.entries(VARIABLES) as [keyof JqLimits, (typeof VARIABLES)[keyof JqLimits]][]) {
    const text = env[variable.name]?.trim();
    if (!text) continue;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < variable.min || value > variable.max) {
      throw new Error(
        `${variable.name} must be a whole number from ${variable.min} to ${variable.max}, got ${JSON.stringify(text)}`,
      );
    }
    limits[key] = value;
  }
  return limits;
}
