import type { TestCatalog } from './catalog-server.ts';

export type RunBody = {
  id: string;
  status: string;
  statusLabel: string | null;
  link: string[];
  summary: string | null;
  externalRunId: string | null;
  endedAt: string | null;
  properties: Record<string, unknown>;
  action: { identifier: string };
  blueprint: { identifier: string } | null;
  entity: { identifier: string } | null;
};
export type RunLogBody = {
  id: string;
  runId: string;
  message: string;
  terminationStatus?: string;
  statusLabel?: string;
};

export async function getRun(catalog: TestCatalog, id: string): Promise<RunBody> {
  return (await catalog.api<{ run: RunBody }>('GET', `/v1/actions/runs/${id}`)).body.run;
}

export async function getRunLogs(catalog: TestCatalog, id: string): Promise<RunLogBody[]> {
  return (await catalog.api<{ runLogs: RunLogBody[] }>('GET', `/v1/actions/runs/${id}/logs`)).body.runLogs;
}

/** Polls the run until it ended (or `until` holds), for runs that end in the background. */
export async function waitForRun(
  catalog: TestCatalog,
  id: string,
  until: (run: RunBody) => boolean = (run) => run.endedAt !== null,
  timeoutMs = 10_000,
): Promise<RunBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(catalog, id);
    if (until(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startRun(
  catalog: TestCatalog,
  action: string,
  body: unknown,
): Promise<{ status: number; run: RunBody; body: Record<string, unknown> }> {
  const response = await catalog.api<{ run: RunBody } & Record<string, unknown>>(
    'POST',
    `/v1/actions/${action}/runs`,
    body,
  );
  return { status: response.status, run: response.body.run, body: response.body };
}

/** Polls the run's logs until one matches, for what the catalog logs in the background. */
export async function waitForLog(
  catalog: TestCatalog,
  id: string,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<RunLogBody[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await getRunLogs(catalog, id);
    if (logs.some((log) => pattern.test(log.message))) return logs;
    if (Date.now() > deadline) throw new Error(`no log of run ${id} matches ${pattern}: ${JSON.stringify(logs)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * An action whose runs stay IN_PROGRESS: its WEBHOOK receiver (`receiverUrl`) only answers 200, which leaves the
 * run to whoever reports it, as a GitHub workflow would.
 */
export async function createOpenRunsAction(
  catalog: TestCatalog,
  receiverUrl: string,
  identifier = 'noop',
): Promise<void> {
  const response = await catalog.api('POST', '/v1/actions', {
    identifier,
    title: identifier,
    trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
    invocationMethod: { type: 'WEBHOOK', url: receiverUrl },
  });
  if (response.status !== 201)
    throw new Error(`could not create action ${identifier}: ${JSON.stringify(response.body)}`);
}

/** A run of an action made by createOpenRunsAction, once its invocation went out. */
export async function startOpenRun(catalog: TestCatalog, action = 'noop'): Promise<string> {
  const response = await catalog.api<{ run: { id: string } }>('POST', `/v1/actions/${action}/runs`, { properties: {} });
  await waitForLog(catalog, response.body.run.id, /^Invoked webhook/);
  return response.body.run.id;
}
