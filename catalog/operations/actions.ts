import { ApiError, invalidRequest, notFound } from '../errors.ts';
import type { Action } from '../model.ts';
import {
  type ActionDefinition,
  checkInputQueries,
  checkTemplates,
  parseActionDefinition,
} from '../validation/index.ts';
import type { Actor, CatalogContext } from './context.ts';

export function requireAction(ctx: CatalogContext, identifier: string): Action {
  const action = ctx.actions.get(identifier);
  if (!action) throw notFound(`action "${identifier}" not found`);
  return action;
}

/** Checks the action, compiles its templates (off the event loop), then writes it in its own transaction. */
export async function createAction(ctx: CatalogContext, body: unknown, actor: Actor): Promise<Action> {
  await checkActionTemplates(parseAction(ctx, body));
  // Checked again in the transaction: blueprints and actions may have changed while the templates compiled.
  return ctx.write(() => {
    const definition = parseAction(ctx, body);
    if (ctx.actions.get(definition.identifier)) {
      throw new ApiError(409, 'identifier_taken', `action "${definition.identifier}" already exists`);
    }
    return saveAction(ctx, definition, undefined, actor);
  });
}

export async function replaceAction(
  ctx: CatalogContext,
  identifier: string,
  body: unknown,
  actor: Actor,
): Promise<Action> {
  requireAction(ctx, identifier);
  const given = (body as { identifier?: unknown } | null)?.identifier;
  if (given !== undefined && given !== identifier) {
    throw invalidRequest(`identifier: "${String(given)}" differs from the action in the path ("${identifier}")`);
  }
  const withIdentifier = body !== null && typeof body === 'object' ? { ...body, identifier } : body;
  await checkActionTemplates(parseAction(ctx, withIdentifier));
  return ctx.write(() => saveAction(ctx, parseAction(ctx, withIdentifier), requireAction(ctx, identifier), actor));
}

function parseAction(ctx: CatalogContext, body: unknown): ActionDefinition {
  return parseActionDefinition(body, { blueprintExists: (id) => ctx.blueprints.has(id) });
}

async function checkActionTemplates(definition: ActionDefinition): Promise<void> {
  await checkTemplates(definition.invocationMethod, 'invocationMethod');
  await checkInputQueries(definition.trigger.userInputs, 'trigger.userInputs');
}

/** Runs keep what they need of their action, so deleting it leaves them readable and reportable. */
export function deleteAction(ctx: CatalogContext, identifier: string, actor: Actor): void {
  requireAction(ctx, identifier);
  ctx.actions.delete(identifier);
  ctx.audit.record({
    at: ctx.now(),
    actor: actor.clientId,
    resourceType: 'action',
    action: 'DELETE',
    blueprint: null,
    identifier,
    runId: actor.runId,
  });
}

function saveAction(
  ctx: CatalogContext,
  definition: ActionDefinition,
  existing: Action | undefined,
  actor: Actor,
): Action {
  const now = ctx.now();
  const action: Action = {
    ...definition,
    createdAt: existing?.createdAt ?? now,
    createdBy: existing?.createdBy ?? actor.clientId,
    updatedAt: now,
    updatedBy: actor.clientId,
  };
  ctx.actions.save(action);
  ctx.audit.record({
    at: now,
    actor: actor.clientId,
    resourceType: 'action',
    action: existing ? 'UPDATE' : 'CREATE',
    blueprint: definition.trigger.blueprintIdentifier ?? null,
    identifier: action.identifier,
    runId: actor.runId,
  });
  return action;
}
