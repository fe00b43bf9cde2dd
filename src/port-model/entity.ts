import type { SearchQuery } from './search-query.ts';

/** A relation's value as Port stores and answers it: an identifier, several, or none. */
export type RelationValue = string | string[] | null;

/**
 * A relation's value as a client may write it: also a search query that finds the related entity, which Port
 * resolves to identifiers when it stores the entity (the embedded catalog does not take queries here).
 */
export type RelationInput = RelationValue | SearchQuery;

/** An entity as a client writes it: everything optional; without an identifier, the server generates one. */
export interface EntityInput {
  identifier?: string;
  title?: string | null;
  icon?: string | null;
  team?: string | string[] | null;
  properties?: Record<string, unknown>;
  relations?: Record<string, RelationInput>;
}

/** An entity as Port stores it and answers it in full. */
export interface Entity {
  identifier: string;
  blueprint: string;
  title: string | null;
  icon?: string;
  team: string[];
  properties: Record<string, unknown>;
  relations: Record<string, RelationValue>;
  /** Port's cloud answers these; the embedded catalog has no scorecards. */
  scorecards?: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** An entity as a read answers it: `include`/`exclude` may leave any field out but these two. */
export type EntityAnswer = Pick<Entity, 'identifier' | 'blueprint'> & Partial<Entity>;
