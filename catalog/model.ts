/**
 * Shapes the catalog stores and answers: the Port model (src/port-model), which the client and the App share, so
 * that the catalog answers what the client reads. What is the catalog's own is declared here.
 */
import type { EntityInput as PortEntityInput, RelationValue } from '../src/port-model/index.ts';

export type {
  Action,
  ActionOperation,
  ActionTrigger,
  Blueprint,
  BlueprintProperty,
  BlueprintRelation,
  Entity,
  GithubInvocation,
  IntegrationActionInvocation,
  IntegrationActionPayload,
  InvocationMethod,
  OtherInvocation,
  PropertyType,
  RelationValue,
  Run,
  RunLog,
  RunReference,
  RunStatus,
  UpsertEntityInvocation,
  UserInputs,
  WebhookInvocation,
} from '../src/port-model/index.ts';

/**
 * An entity as the catalog takes it: the relations name their targets. Port also takes a search query that finds
 * the target; the catalog refuses one (422) rather than resolve it (docs/port-api.md, "Entities").
 */
export interface EntityInput extends PortEntityInput {
  relations?: Record<string, RelationValue>;
}
