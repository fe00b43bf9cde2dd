export type RunStatus = 'IN_PROGRESS' | 'SUCCESS' | 'FAILURE' | 'WAITING_FOR_APPROVAL';

/** The statuses that end a run. */
export type TerminationStatus = 'SUCCESS' | 'FAILURE';

/** What a run says about the action, blueprint or entity it is about, as the vendor's runs do. */
export interface RunReference {
  identifier: string;
  title: string | null;
  icon?: string;
  deleted: boolean;
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

/** A run answered by claim-pending: an INTEGRATION_ACTION run, with its payload. */
export interface ClaimedRun extends Run {
  payload: IntegrationActionPayload;
}

export interface RunLog {
  id: string;
  runId: string;
  message: string;
  statusLabel?: string;
  terminationStatus?: TerminationStatus;
  createdAt: string;
  createdBy: string;
}
