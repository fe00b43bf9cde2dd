import type { RelationInput } from '../../../src/port/index.ts';

/** One entity a mapping made: what the bulk route takes, with the blueprint it goes to. */
export interface MappedEntity {
  blueprint: string;
  identifier: string;
  title?: string | null;
  icon?: string | null;
  team?: string | string[] | null;
  properties: Record<string, unknown>;
  relations: Record<string, RelationInput>;
}
