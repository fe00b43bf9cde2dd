const PROBE_INTERVAL_MS = 100;

/**
 * How long `/healthz` took to answer, counted from `due`: the moment the probe was meant to start. Counting from
 * then rather than from the request catches an event loop that was blocked before the probe could even be sent
 * (the server and the test share one process in most suites).
 */
async function healthzLatencyMs(baseUrl: string, due: number): Promise<number> {
  const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
  await response.text();
  if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
  return performance.now() - due;
}

/**
 * Runs `attack` and, while it is in flight, asks `/healthz` `probes` times, 100 ms apart. Returns the attack's
 * result and the slowest probe, so a test can assert both the clear error and that the server kept answering.
 */
export async function duringAttack<T>(
  baseUrl: string,
  attack: () => Promise<T>,
  probes = 5,
): Promise<{ result: T; slowestHealthzMs: number }> {
  const pending = attack();
  // A rejected attack is the test's to inspect; it must not surface as unhandled while the probes run.
  pending.catch(() => {});
  let slowest = 0;
  for (let probe = 0; probe < probes; probe++) {
    const due = performance.now() + PROBE_INTERVAL_MS;
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    slowest = Math.max(slowest, await healthzLatencyMs(baseUrl, due));
  }
  return { result: await pending, slowestHealthzMs: slowest };
}
