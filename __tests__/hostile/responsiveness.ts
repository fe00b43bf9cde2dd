/** How long `/healthz` takes to answer, measured by a client that starts asking while an attack is in flight. */
export async function healthzLatencyMs(baseUrl: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
  await response.text();
  if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
  return performance.now() - started;
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
  let slowest = 0;
  for (let probe = 0; probe < probes; probe++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    slowest = Math.max(slowest, await healthzLatencyMs(baseUrl));
  }
  return { result: await pending, slowestHealthzMs: slowest };
}
