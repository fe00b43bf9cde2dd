import type { BlueprintProperty } from './blueprint.ts';

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
