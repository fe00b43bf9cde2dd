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

export type ActionOperation = 'CREATE' | 'DAY-2' | 'DELETE';

export interface UserInputs {
  properties: Record<string, BlueprintProperty & { blueprint?: string }>;
  required?: string[] | Record<string, unknown>;
  order?: string[];
  [key: string]: unknown;
}

export interface ActionTrigger {
  type: 'self-service';
  operation: ActionOperation;
  userInputs: UserInputs;
  blueprintIdentifier?: string;
  [key: string]: unknown;
}

export interface WebhookInvocation {
  type: 'WEBHOOK';
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  synchronized?: boolean;
  agent?: boolean;
}

export interface GithubInvocation {
  type: 'GITHUB';
  org: string;
  repo: string;
  workflow: string;
  workflowInputs?: Record<string, unknown>;
  reportWorkflowStatus?: boolean;
}

export interface UpsertEntityInvocation {
  type: 'UPSERT_ENTITY';
  blueprintIdentifier: string;
  mapping: Record<string, unknown>;
}

/**
 * A run the catalog does not invoke: it stays IN_PROGRESS and pending until the integration installation named
 * claims it (POST /v1/actions/runs/claim-pending) and acknowledges it (PATCH /v1/actions/runs/ack).
 */
export interface IntegrationActionInvocation {
  type: 'INTEGRATION_ACTION';
  installationId: string;
  integrationProvider: 'GITHUB';
  integrationActionType: string;
  integrationActionExecutionProperties?: Record<string, unknown>;
}

/** What a run of an INTEGRATION_ACTION carries for the integration, its templates rendered. */
export interface IntegrationActionPayload {
  type: 'INTEGRATION_ACTION';
  installationId: string;
  integrationActionType: string;
  integrationActionExecutionProperties: Record<string, unknown>;
}

/** GITLAB, KAFKA, AZURE_DEVOPS...: stored as written; running one ends the run with "not supported here". */
export interface OtherInvocation {
  type: string;
  [key: string]: unknown;
}

export type InvocationMethod =
  WebhookInvocation | GithubInvocation | UpsertEntityInvocation | IntegrationActionInvocation | OtherInvocation;

export interface Action {
  identifier: string;
  title: string;
  icon?: string;
  description?: string;
  trigger: ActionTrigger;
  invocationMethod: InvocationMethod;
  requiredApproval?: unknown;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export type RunStatus = 'IN_PROGRESS' | 'SUCCESS' | 'FAILURE' | 'WAITING_FOR_APPROVAL';

/** What a run says about the action, blueprint or entity it is about, as the vendor's runs do. */
export interface RunReference {
  identifier: string;
  title: string | null;
  icon?: string;
  deleted: boolean;
}

export interface Run {
  id: string;
  status: RunStatus;
  statusLabel: string | null;
  link: string[];
  summary: string | null;
  externalRunId: string | null;
  requiredApproval: boolean;
  source: 'API';
  properties: Record<string, unknown>;
  action: RunReference;
  blueprint: RunReference | null;
  entity: RunReference | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
  createdBy: string;
  updatedBy: string;
  /** INTEGRATION_ACTION runs only, once their templates are rendered: what claim-pending hands the integration. */
  payload?: IntegrationActionPayload;
}

export interface RunLog {
  id: string;
  runId: string;
  message: string;
  statusLabel?: string;
  terminationStatus?: 'SUCCESS' | 'FAILURE';
  createdAt: string;
  createdBy: string;
}
