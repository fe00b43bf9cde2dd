import type { EntityInput, RelationInput } from '../../../src/port/index.ts';

/**
 * One entity a mapping made: what the bulk route takes (the Port model's EntityInput), with the blueprint it goes
 * to, its identifier, and its properties and relations always there for the mapping to fill.
 */
export interface MappedEntity extends EntityInput {
  blueprint: string;
  identifier: string;
  properties: Record<string, unknown>;
  relations: Record<string, RelationInput>;
}
