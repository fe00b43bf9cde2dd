import { ApiError } from '../errors.ts';
import { deleteBlueprint } from './blueprints.ts';
import type { Actor, CatalogContext } from './context.ts';
import { deleteEntity, requireBlueprint } from './entities.ts';

/** How many blocking relations a refusal names; the rest are counted. */
const NAMED_BLOCKERS = 5;

/**
 * `DELETE /v1/blueprints/{bp}/all-entities`: every entity of the blueprint, and with `deleteBlueprint` the blueprint
 * too, in the caller's transaction: all or nothing. Relations among the blueprint's own entities go with them;
 * an entity of another blueprint whose required relation points at one of them refuses the whole delete
 * (403 has_dependents, as a single delete would), and optional ones are cleared. Returns how many were deleted.
 */
export function deleteAllEntities(
  ctx: CatalogContext,
  blueprint: string,
  options: { deleteBlueprint: boolean },
  actor: Actor,
): number {
  requireBlueprint(ctx, blueprint);
  const identifiers = ctx.entities.identifiers(blueprint);
  const blockers = identifiers.flatMap((identifier) =>
    ctx.entities
      .edgesTo(blueprint, identifier)
      .filter((edge) => edge.blueprint !== blueprint)
      .filter((edge) => ctx.blueprints.get(edge.blueprint)?.relations[edge.relation]?.required === true),
  );
  if (blockers.length > 0) {
    const names = blockers
      .slice(0, NAMED_BLOCKERS)
      .map(
        (edge) => `${edge.blueprint}/${edge.identifier} (relation "${edge.relation}" to "${edge.targetIdentifier}")`,
      );
    const more = blockers.length > NAMED_BLOCKERS ? ` and ${blockers.length - NAMED_BLOCKERS} more` : '';
    throw new ApiError(
      403,
      'has_dependents',
      `entities of blueprint "${blueprint}" are required by ${names.join(', ')}${more}; delete those first`,
    );
  }
  for (const identifier of identifiers) {
    deleteEntity(ctx, blueprint, identifier, { deleteDependents: false, wholeBlueprint: blueprint }, actor);
  }
  if (options.deleteBlueprint) deleteBlueprint(ctx, blueprint, actor);
  return identifiers.length;
}
