/** Shapes the catalog stores and answers, as in the Port API contract. */

export type PropertyType = 'string' | 'number' | 'boolean' | 'object' | 'array';

export interface BlueprintProperty {
  type: PropertyType;
  title?: string;
  description?: string;
  icon?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  items?: { type?: PropertyType; format?: string; enum?: unknown[]; [key: string]: unknown };
  [key: string]: unknown;
}

export interface BlueprintRelation {
  title?: string;
  description?: string;
  target: string;
  required: boolean;
  many: boolean;
}

export interface Blueprint {
  identifier: string;
  title: string;
  icon?: string;
  description?: string;
  schema: { properties: Record<string, BlueprintProperty>; required: string[] };
  relations: Record<string, BlueprintRelation>;
  mirrorProperties: Record<string, unknown>;
  calculationProperties: Record<string, unknown>;
  aggregationProperties: Record<string, unknown>;
  changelogDestination?: { type: string; url?: string; [key: string]: unknown };
  ownership?: unknown;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export type RelationValue = string | string[] | null;

export interface Entity {
  identifier: string;
  title: string | null;
  icon?: string;
  blueprint: string;
  team: string[];
  properties: Record<string, unknown>;
  relations: Record<string, RelationValue>;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** An entity as a client writes it: everything optional but what the route requires. */
export interface EntityInput {
  identifier?: string;
  title?: string | null;
  icon?: string | null;
  team?: string | string[] | null;
  properties?: Record<string, unknown>;
  relations?: Record<string, RelationValue>;
}
