import type { EntityAnswer } from '../../port/index.ts';

/**
 * The `entity` output, in the vendor's shape: identifier, title, blueprint, properties, team, relations,
 * scorecards. Leaves out what the answer did not have (an `include` may have dropped it) and an empty title.
 */
export function entityOutput(entity: EntityAnswer): Record<string, unknown> {
  return {
    identifier: entity.identifier,
    ...(entity.title ? { title: entity.title } : {}),
    blueprint: entity.blueprint,
    properties: entity.properties,
    ...(entity.team ? { team: entity.team } : {}),
    ...(entity.relations ? { relations: entity.relations } : {}),
    ...(entity.scorecards ? { scorecards: entity.scorecards } : {}),
  };
}
