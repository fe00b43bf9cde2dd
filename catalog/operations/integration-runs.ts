/**
 * INTEGRATION_ACTION runs: the catalog invokes nothing; the integration installation polls for its runs
 * (claim-pending), takes each one (ack), executes it and reports on the run as any backend does.
 */
import { z } from 'zod';
import { ApiError, invalidRequest, parseOrInvalid } from '../errors.ts';
import type { IntegrationActionPayload, Run } from '../model.ts';
import type { Actor, CatalogContext } from './context.ts';
import { isEnded, requireRun } from './runs.ts';

/** Bounds of a claim (docs/port-api.md). */
export const CLAIM_LIMIT = { min: 1, max: 1000, default: 20 } as const;
export const VISIBILITY_TIMEOUT_MS = { min: 100, max: 12 * 60 * 60 * 1000, default: 90_000 } as const;
export const MAX_EXCLUDED_RUNS = 1000;

const wholeNumber = (bounds: { min: number; max: number }) =>
  z
    .number({ error: `must be a whole number from ${bounds.min} to ${bounds.max}` })
    .int({ error: `must be a whole number from ${bounds.min} to ${bounds.max}` })
    .min(bounds.min, { error: `must be a whole number from ${bounds.min} to ${bounds.max}` })
    .max(bounds.max, { error: `must be a whole number from ${bounds.min} to ${bounds.max}` });

// Loose, as the vendor's bodies are: a key the catalog does not know is ignored.
const claimSchema = z.looseObject({
  installationId: z.string({ error: 'required: the integration installation whose runs to claim' }).min(1),
  limit: wholeNumber(CLAIM_LIMIT).optional(),
  visibilityTimeoutMs: wholeNumber(VISIBILITY_TIMEOUT_MS).optional(),
  exclude: z
    .array(z.string({ error: 'must be a run id' }), { error: 'must be a list of run ids' })
    .max(MAX_EXCLUDED_RUNS, { error: `at most ${MAX_EXCLUDED_RUNS} run ids` })
    .optional(),
});

const acknowledgeSchema = z.looseObject({
  runId: z.string({ error: 'required: the id of the run to acknowledge' }).min(1),
});

/**
 * Called by the invocation once the templates are rendered: the run keeps its payload and becomes claimable by its
 * installation. Nothing happens to a run that has ended meanwhile.
 */
export function makeClaimable(ctx: CatalogContext, runId: string, payload: IntegrationActionPayload): void {
  ctx.write(() => {
    const stored = ctx.runs.get(runId);
    if (!stored || isEnded(stored.run)) return;
    if (stored.run.payload === undefined) {
      stored.run.payload = payload;
      ctx.runs.update(stored);
    }
    ctx.integrationRuns.add(runId, payload.installationId);
  });
}

/**
 * Claims up to `limit` of the installation's pending runs, oldest first, in one transaction: each is hidden from
 * every other claim until `visibilityTimeoutMs` from now, and comes back after that unless it was acknowledged.
 */
export function claimPendingRuns(ctx: CatalogContext, body: unknown): Run[] {
  const request = parseOrInvalid(claimSchema, body ?? {}, 'body');
  return ctx.write(() => {
    const now = ctx.nowDate().getTime();
    const ids = ctx.integrationRuns.claim({
      installationId: request.installationId,
      limit: request.limit ?? CLAIM_LIMIT.default,
      now,
      hiddenUntil: now + (request.visibilityTimeoutMs ?? VISIBILITY_TIMEOUT_MS.default),
      exclude: request.exclude ?? [],
    });
    return ids.map((id) => requireRun(ctx, id).run);
  });
}

/**
 * Takes a run for the caller: it is never claimable again. 409 when it was acknowledged already (another instance
 * has it) or has ended; 404 for an unknown run; 422 for a run that is not a pending integration run.
 */
export function acknowledgeRun(ctx: CatalogContext, body: unknown, actor: Actor): Run {
  const { runId } = parseOrInvalid(acknowledgeSchema, body ?? {}, 'body');
  return ctx.write(() => {
    const { run } = requireRun(ctx, runId);
    if (isEnded(run)) {
      throw new ApiError(409, 'run_exhausted', `run "${runId}" already ended with ${run.status} at ${run.endedAt}`);
    }
    const state = ctx.integrationRuns.get(runId);
    if (!state) {
      throw invalidRequest(
        run.payload === undefined
          ? `body.runId: run "${runId}" is not a pending INTEGRATION_ACTION run`
          : `body.runId: run "${runId}" is not pending`,
      );
    }
    if (!ctx.integrationRuns.acknowledge(runId, ctx.now(), actor.clientId)) {
      throw new ApiError(
        409,
        'run_already_acknowledged',
        `run "${runId}" was acknowledged already at ${state.acknowledgedAt}; another instance is executing it`,
      );
    }
    return run;
  });
}
