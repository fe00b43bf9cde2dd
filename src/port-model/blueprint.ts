export type PropertyType = 'string' | 'number' | 'boolean' | 'object' | 'array';

/** A property of a blueprint's schema; keys Port's UI reads (colors, icons...) are kept as written. */
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

/** A relation as a client writes it; Port answers `required` and `many` always. */
export interface BlueprintRelationInput {
  title?: string;
  description?: string;
  target: string;
  required?: boolean;
  many?: boolean;
}

export interface BlueprintRelation extends BlueprintRelationInput {
  required: boolean;
  many: boolean;
}

/** A blueprint as a client writes it (POST, PUT): what it leaves out, Port fills with its defaults. */
export interface BlueprintDefinition {
  identifier: string;
  title: string;
  icon?: string;
  description?: string;
  schema: { properties: Record<string, BlueprintProperty>; required?: string[] };
  relations?: Record<string, BlueprintRelationInput>;
  mirrorProperties?: Record<string, unknown>;
  calculationProperties?: Record<string, unknown>;
  aggregationProperties?: Record<string, unknown>;
  changelogDestination?: { type: string; url?: string; [key: string]: unknown };
  ownership?: unknown;
}

/** A blueprint as Port stores it and answers it. */
export interface Blueprint extends BlueprintDefinition {
  schema: { properties: Record<string, BlueprintProperty>; required: string[] };
  relations: Record<string, BlueprintRelation>;
  mirrorProperties: Record<string, unknown>;
  calculationProperties: Record<string, unknown>;
  aggregationProperties: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}
