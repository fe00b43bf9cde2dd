import { z } from 'zod';
import { ApiError, invalidRequest, notFound, parseOrInvalid } from '../errors.ts';
import type { Run, RunLog, RunStatus } from '../model.ts';
import type { StoredRun } from '../store/index.ts';
import { compileUserInputsValidator } from '../validation/index.ts';
import { requireAction } from './actions.ts';
import { type Actor, type CatalogContext, generateIdentifier } from './context.ts';

const ENDED: ReadonlySet<RunStatus> = new Set(['SUCCESS', 'FAILURE']);
export const isEnded = (run: Run): boolean => ENDED.has(run.status);

const runRequestSchema = z.looseObject({
  properties: z.record(z.string(), z.unknown()).optional(),
  entity: z.union([z.string().min(1), z.looseObject({ identifier: z.string().min(1) })]).optional(),
});

const terminalStatus = z.enum(['SUCCESS', 'FAILURE'], { error: 'must be SUCCESS or FAILURE' });

const runPatchSchema = z.strictObject({
  status: terminalStatus.optional(),
  statusLabel: z.string().nullable().optional(),
  link: z.union([z.string(), z.array(z.string())]).optional(),
  summary: z.string().nullable().optional(),
  externalRunId: z.string().nullable().optional(),
  // Deprecated by the vendor and still accepted: an object that changes nothing (its run has no such field), so a
  // PATCH carrying it applies the rest rather than failing whole.
  message: z.record(z.string(), z.unknown()).optional(),
});

const runLogSchema = z.strictObject({
  message: z.string(),
  terminationStatus: terminalStatus.optional(),
  statusLabel: z.string().optional(),
});

export const generateRunId = (): string => generateIdentifier('r');

export function requireRun(ctx: CatalogContext, id: string): StoredRun {
  const stored = ctx.runs.get(id);
  if (!stored) throw notFound(`run "${id}" not found`);
  return stored;
}

function refuseEnded(run: Run, status: number, what: string): void {
  if (!isEnded(run)) return;
  throw new ApiError(
    status,
    'run_exhausted',
    `run "${run.id}" already ended with ${run.status} at ${run.endedAt}; ${what}`,
  );
}

/** An entity write that names a run belongs to it: the run must exist and still be in progress. */
export function requireWritableRun(ctx: CatalogContext, runId: string | undefined): void {
  if (runId === undefined) return;
  refuseEnded(requireRun(ctx, runId).run, 400, 'entities can no longer be written for it');
}

/**
 * Starts a run of an action: checks the inputs against `userInputs` (422 user_inputs_schema_invalid) and, for
 * DAY-2 and DELETE, that the entity exists; stores the run IN_PROGRESS with everything invoking it needs, and
 * puts its invocation in the outbox in the same transaction, so an answered run is always invoked.
 */
export function createRun(
  ctx: CatalogContext,
  actionId: string,
  body: unknown,
  actor: Actor & { userEmail?: string | undefined },
  /** Inputs the console's form hid (their `visible` query said so): not required, as in Port's form. */
  hiddenInputs?: ReadonlySet<string>,
): Run {
  const action = requireAction(ctx, actionId);
  const request = parseOrInvalid(runRequestSchema, body ?? {}, 'body');
  const { trigger } = action;
  const properties = compileUserInputsValidator(action.identifier, trigger.userInputs).validate(
    request.properties ?? {},
    hiddenInputs,
  );

  const blueprint = trigger.blueprintIdentifier ? ctx.blueprints.get(trigger.blueprintIdentifier) : undefined;
  let entity = null;
  if (trigger.operation !== 'CREATE') {
    const entityId = typeof request.entity === 'string' ? request.entity : request.entity?.identifier;
    if (entityId === undefined) {
      throw invalidRequest(
        `body.entity: action "${action.identifier}" is a ${trigger.operation} action; name the entity it runs on`,
      );
    }
    entity = ctx.entities.get(trigger.blueprintIdentifier!, entityId) ?? null;
    if (!entity) throw notFound(`entity "${entityId}" of blueprint "${trigger.blueprintIdentifier}" not found`);
  }

  const now = ctx.now();
  const run: Run = {
    id: generateRunId(),
    status: 'IN_PROGRESS',
    statusLabel: null,
    link: [],
    summary: null,
    externalRunId: null,
    requiredApproval: false,
    source: 'API',
    properties,
    action: { identifier: action.identifier, title: action.title, ...iconOf(action.icon), deleted: false },
    blueprint: blueprint
      ? { identifier: blueprint.identifier, title: blueprint.title, ...iconOf(blueprint.icon), deleted: false }
      : null,
    entity: entity
      ? { identifier: entity.identifier, title: entity.title, ...iconOf(entity.icon), deleted: false }
      : null,
    createdAt: now,
    updatedAt: now,
    endedAt: null,
    createdBy: actor.clientId,
    updatedBy: actor.clientId,
  };
  const email = actor.userEmail ?? null;
  const stored: StoredRun = {
    run,
    invocation: {
      invocationMethod: action.invocationMethod,
      operation: trigger.operation,
      trigger: {
        by: {
          orgId: 'wharf',
          userId: actor.clientId,
          user: { email, firstName: email ? email.split('@')[0] : actor.clientId, lastName: null },
        },
        at: now,
        origin: 'API',
        operation: trigger.operation,
      },
      entity: entity as Record<string, unknown> | null,
    },
  };
  ctx.write(() => {
    ctx.runs.insert(stored);
    ctx.audit.record({
      at: now,
      actor: actor.clientId,
      resourceType: 'run',
      action: 'CREATE',
      blueprint: blueprint?.identifier ?? null,
      identifier: run.id,
      runId: run.id,
    });
    ctx.enqueueDelivery('invocation', `run:${run.id}`, { runId: run.id });
  });
  return run;
}

/** Each PATCH overwrites the keys it sends; a status ends the run. An ended run cannot change (422). */
export function patchRun(ctx: CatalogContext, id: string, body: unknown, actor: Actor): Run {
  const patch = parseOrInvalid(runPatchSchema, body ?? {}, 'body');
  return ctx.write(() => {
    const stored = requireRun(ctx, id);
    const { run } = stored;
    refuseEnded(run, 422, 'it cannot change any more');
    const now = ctx.now();
    if (patch.statusLabel !== undefined) run.statusLabel = patch.statusLabel;
    if (patch.link !== undefined) run.link = Array.isArray(patch.link) ? patch.link : [patch.link];
    if (patch.summary !== undefined) run.summary = patch.summary;
    if (patch.externalRunId !== undefined) run.externalRunId = patch.externalRunId;
    if (patch.status !== undefined) {
      run.status = patch.status;
      run.endedAt = now;
    }
    run.updatedAt = now;
    run.updatedBy = actor.clientId;
    ctx.runs.update(stored);
    return run;
  });
}

/** A log line; `terminationStatus` ends the run with it. An ended run takes no more logs (422). */
export function addRunLog(ctx: CatalogContext, id: string, body: unknown, actor: Actor): RunLog {
  const request = parseOrInvalid(runLogSchema, body ?? {}, 'body');
  return ctx.write(() => {
    const stored = requireRun(ctx, id);
    refuseEnded(stored.run, 422, 'it takes no more logs');
    return appendLog(ctx, stored, request, actor.clientId);
  });
}

/**
 * Ends a run from the catalog's side (an invocation that failed, a synchronized webhook's answer) with a log line
 * saying why. Does nothing to a run that already ended: whoever ended it first had the last word.
 */
export function endRun(ctx: CatalogContext, id: string, status: 'SUCCESS' | 'FAILURE', message: string): void {
  ctx.write(() => {
    const stored = ctx.runs.get(id);
    if (!stored || isEnded(stored.run)) return;
    appendLog(ctx, stored, { message, terminationStatus: status }, 'wharf');
  });
}

/** A log line from the catalog's side, on a run still in progress. */
export function logToRun(ctx: CatalogContext, id: string, message: string): void {
  ctx.write(() => {
    const stored = ctx.runs.get(id);
    if (!stored || isEnded(stored.run)) return;
    appendLog(ctx, stored, { message }, 'wharf');
  });
}

function appendLog(
  ctx: CatalogContext,
  stored: StoredRun,
  request: { message: string; terminationStatus?: 'SUCCESS' | 'FAILURE' | undefined; statusLabel?: string | undefined },
  author: string,
): RunLog {
  const now = ctx.now();
  const log = ctx.runs.addLog({
    runId: stored.run.id,
    message: request.message,
    ...(request.statusLabel !== undefined && { statusLabel: request.statusLabel }),
    ...(request.terminationStatus !== undefined && { terminationStatus: request.terminationStatus }),
    createdAt: now,
    createdBy: author,
  });
  const { run } = stored;
  if (request.statusLabel !== undefined || request.terminationStatus !== undefined) {
    if (request.statusLabel !== undefined) run.statusLabel = request.statusLabel;
    if (request.terminationStatus !== undefined) {
      run.status = request.terminationStatus;
      run.endedAt = now;
    }
    run.updatedAt = now;
    run.updatedBy = author;
    ctx.runs.update(stored);
  }
  return log;
}

function iconOf(icon: string | undefined): { icon?: string } {
  return icon ? { icon } : {};
}
