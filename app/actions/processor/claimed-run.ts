import type { Run } from '../../../src/port/index.ts';
import type { IntegrationRun } from '../executors/executor.ts';

/** What Port's claim answers for a run of an INTEGRATION_ACTION action (the vendor's invocation payload). */
interface InvocationPayload {
  type?: unknown;
  installationId?: unknown;
  integrationActionType?: unknown;
  integrationActionExecutionProperties?: unknown;
}

export type ClaimedRun =
  { ok: true; run: IntegrationRun; createdAt: number | undefined } | { ok: false; runId: string; problem: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A claimed run as an executor sees it: its type and rendered properties, from the run's `payload` (the vendor's
 * ActionRun carries them there) or, failing that, the run itself.
 */
export function integrationRunOf(run: Run): ClaimedRun {
  const payload: InvocationPayload = isRecord(run.payload) ? run.payload : (run as InvocationPayload);
  const type = payload.integrationActionType;
  const properties = payload.integrationActionExecutionProperties ?? {};
  const created = typeof run.createdAt === 'string' ? Date.parse(run.createdAt) : Number.NaN;
  const createdAt = Number.isNaN(created) ? undefined : created;
  if (typeof type !== 'string' || type === '') {
    return { ok: false, runId: run.id, problem: 'the run names no integrationActionType' };
  }
  if (!isRecord(properties)) {
    return {
      ok: false,
      runId: run.id,
      problem: `integrationActionExecutionProperties must be an object (got ${JSON.stringify(properties)})`,
    };
  }
  return { ok: true, run: { runId: run.id, integrationActionType: type, properties }, createdAt };
}
