import { ApiError, invalidRequest } from '../errors.ts';
import type { Blueprint } from '../model.ts';
import { type BlueprintDefinition, mergeBlueprintPatch, parseBlueprintDefinition } from '../validation/index.ts';
import type { Actor, CatalogContext } from './context.ts';
import { requireBlueprint } from './entities.ts';

export function createBlueprint(ctx: CatalogContext, body: unknown, actor: Actor): Blueprint {
  const selfIdentifier = (body as { identifier?: unknown } | null)?.identifier;
  const definition = parseBlueprintDefinition(body, {
    blueprintExists: (id) => ctx.blueprints.has(id) || id === selfIdentifier,
  });
  if (ctx.blueprints.has(definition.identifier)) {
    throw new ApiError(409, 'identifier_taken', `blueprint "${definition.identifier}" already exists`);
  }
  return saveBlueprint(ctx, definition, undefined, actor);
}

export function replaceBlueprint(ctx: CatalogContext, identifier: string, body: unknown, actor: Actor): Blueprint {
  const existing = requireBlueprint(ctx, identifier);
  return saveBlueprint(ctx, parseForIdentifier(ctx, identifier, body), existing, actor);
}

export function patchBlueprint(ctx: CatalogContext, identifier: string, patch: unknown, actor: Actor): Blueprint {
  const existing = requireBlueprint(ctx, identifier);
  const merged = mergeBlueprintPatch(definitionOf(existing), patch);
  return saveBlueprint(ctx, parseForIdentifier(ctx, identifier, merged), existing, actor);
}

/** Refused while entities of the blueprint exist or other blueprints relate to it: nothing may dangle. */
export function deleteBlueprint(ctx: CatalogContext, identifier: string, actor: Actor): void {
  requireBlueprint(ctx, identifier);
  const count = ctx.entities.count(identifier);
  if (count > 0) {
    throw new ApiError(
      403,
      'has_dependents',
      `blueprint "${identifier}" still has ${count} entit${count === 1 ? 'y' : 'ies'}; delete them first`,
    );
  }
  const referrers = ctx.blueprints.relationsTargeting(identifier);
  if (referrers.length > 0) {
    const names = referrers.map((r) => `${r.blueprint}.relations.${r.relation}`).join(', ');
    throw new ApiError(403, 'has_dependents', `blueprint "${identifier}" is the target of ${names}; remove them first`);
  }
  ctx.blueprints.delete(identifier);
  ctx.audit.record({
    at: ctx.now(),
    actor: actor.clientId,
    resourceType: 'blueprint',
    action: 'DELETE',
    blueprint: identifier,
    identifier,
    runId: actor.runId,
  });
}

function parseForIdentifier(ctx: CatalogContext, identifier: string, body: unknown): BlueprintDefinition {
  const given = (body as { identifier?: unknown } | null)?.identifier;
  if (given !== undefined && given !== identifier) {
    throw invalidRequest(`identifier: "${String(given)}" differs from the blueprint in the path ("${identifier}")`);
  }
  const withIdentifier = body !== null && typeof body === 'object' ? { ...body, identifier } : body;
  return parseBlueprintDefinition(withIdentifier, {
    blueprintExists: (id) => ctx.blueprints.has(id),
    pathIdentifier: identifier,
  });
}

function definitionOf(blueprint: Blueprint): BlueprintDefinition {
  const { createdAt: _a, createdBy: _b, updatedAt: _c, updatedBy: _d, ...definition } = blueprint;
  return definition;
}

function saveBlueprint(
  ctx: CatalogContext,
  definition: BlueprintDefinition,
  existing: Blueprint | undefined,
  actor: Actor,
): Blueprint {
  const now = ctx.now();
  if (existing) dropRemovedFields(ctx, existing, definition);
  const blueprint: Blueprint = {
    ...definition,
    createdAt: existing?.createdAt ?? now,
    createdBy: existing?.createdBy ?? actor.clientId,
    updatedAt: now,
    updatedBy: actor.clientId,
  };
  ctx.blueprints.save(blueprint);
  ctx.audit.record({
    at: now,
    actor: actor.clientId,
    resourceType: 'blueprint',
    action: existing ? 'UPDATE' : 'CREATE',
    blueprint: blueprint.identifier,
    identifier: blueprint.identifier,
    runId: actor.runId,
  });
  return blueprint;
}

/**
 * A property or relation removed from a blueprint takes its values with it, as in the vendor's catalog; a relation
 * may not change its target while entities hold values for it, since those values name the old target's entities.
 */
function dropRemovedFields(ctx: CatalogContext, existing: Blueprint, next: BlueprintDefinition): void {
  const id = existing.identifier;
  for (const [relationId, relation] of Object.entries(existing.relations)) {
    const replacement = next.relations[relationId];
    if (replacement && replacement.target !== relation.target) {
      const inUse = ctx.db
        .prepare('SELECT 1 FROM entity_relations WHERE blueprint = ? AND relation = ? LIMIT 1')
        .get(id, relationId);
      if (inUse) {
        throw invalidRequest(
          `relations.${relationId}.target: cannot change from "${relation.target}" to "${replacement.target}" ` +
            'while entities hold values for this relation',
        );
      }
    }
    if (!replacement) {
      ctx.db.prepare('DELETE FROM entity_relations WHERE blueprint = ? AND relation = ?').run(id, relationId);
      ctx.db
        .prepare('UPDATE entities SET relations = json_remove(relations, ?) WHERE blueprint = ?')
        .run(jsonPath(relationId), id);
    }
  }
  for (const propertyId of Object.keys(existing.schema.properties)) {
    if (next.schema.properties[propertyId]) continue;
    ctx.db
      .prepare('UPDATE entities SET properties = jsonb_remove(properties, ?) WHERE blueprint = ?')
      .run(jsonPath(propertyId), id);
  }
}

/** A JSON path naming one key, quoted so any key is taken literally. */
function jsonPath(key: string): string {
  return `$.${JSON.stringify(key)}`;
}
