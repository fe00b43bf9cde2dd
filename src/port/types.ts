/** Shapes of the Port API subset wharf speaks (docs/port-api.md). */

/** A search rule: a property test, `relatedTo`, or a nested query. */
export type SearchRule =
  | { property: string; operator: string; value?: unknown }
  | { operator: 'relatedTo'; blueprint: string; value: string | string[]; direction?: 'upstream' | 'downstream' }
  | SearchQuery;

export interface SearchQuery {
  combinator: 'and' | 'or';
  rules: SearchRule[];
}

/** A relation value: an identifier, several, none, or a search query for the related entity. */
export type RelationValue = string | string[] | null | SearchQuery;

/** An entity as a client writes it. Without an identifier, the server generates one. */
export interface EntityInput {
  identifier?: string;
  title?: string | null;
  icon?: string | null;
  team?: string | string[] | null;
  properties?: Record<string, unknown>;
  relations?: Record<string, RelationValue>;
}

/** An entity as the server answers it; `include`/`exclude` may leave any field out. */
export interface Entity {
  identifier: string;
  blueprint: string;
  title?: string | null;
  icon?: string | null;
  team?: string[];
  properties?: Record<string, unknown>;
  relations?: Record<string, string | string[] | null>;
  scorecards?: Record<string, unknown>;
  createdAt?: string;
  createdBy?: string;
  updatedAt?: string;
  updatedBy?: string;
}

export interface BlueprintRelation {
  title?: string;
  description?: string;
  target: string;
  required?: boolean;
  many?: boolean;
}

/** A blueprint definition; the server adds createdAt/updatedAt and friends. */
export interface Blueprint {
  identifier: string;
  title: string;
  icon?: string;
  description?: string;
  schema: { properties: Record<string, Record<string, unknown>>; required?: string[] };
  relations?: Record<string, BlueprintRelation>;
  mirrorProperties?: Record<string, unknown>;
  calculationProperties?: Record<string, unknown>;
  aggregationProperties?: Record<string, unknown>;
  changelogDestination?: { type: string; url?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export type RunStatus = 'IN_PROGRESS' | 'WAITING_FOR_APPROVAL' | 'SUCCESS' | 'FAILURE' | (string & {});
export type TerminationStatus = 'SUCCESS' | 'FAILURE';

type RunReference = { identifier: string; title?: string | null; icon?: string | null; deleted?: boolean };

export interface Run {
  id: string;
  status: RunStatus;
  statusLabel?: string | null;
  link?: string | string[];
  summary?: string | null;
  externalRunId?: string | null;
  action: RunReference;
  blueprint?: RunReference;
  entity?: RunReference;
  properties: Record<string, unknown>;
  endedAt?: string | null;
  createdAt?: string;
  createdBy?: string;
  updatedAt?: string;
  updatedBy?: string;
  [key: string]: unknown;
}

/**
 * What an INTEGRATION_ACTION run carries for the integration that executes it: the action's
 * `integrationActionType` and its `integrationActionExecutionProperties` with the `{{ }}` templates rendered.
 */
export interface IntegrationActionPayload {
  type: 'INTEGRATION_ACTION';
  installationId: string;
  integrationActionType: string;
  integrationActionExecutionProperties: Record<string, unknown>;
  [key: string]: unknown;
}

/** A run answered by `claimPendingRuns`: an INTEGRATION_ACTION run, with its payload. */
export interface ClaimedRun extends Run {
  payload: IntegrationActionPayload;
}

/** How `acknowledgeRun` came out: the run is this caller's to execute, or it must be left alone. */
export type RunAcknowledgement =
  | { acknowledged: true }
  /** `taken`: acknowledged already (by another instance); `ended`: the run has ended (SUCCESS or FAILURE). */
  | { acknowledged: false; reason: 'taken' | 'ended'; message: string };

export interface RunLog {
  id: string;
  runId: string;
  message: string;
  createdAt: string;
  createdBy?: string;
  [key: string]: unknown;
}
