/**
 * The Port API's shapes and rules (docs/port-api.md), one declaration for the client (src/port), the embedded
 * catalog and the App. Types only, besides the identifier rules: importing it adds nothing to the Action's bundle
 * unless the identifier rules are used.
 */
export type { SearchQuery, SearchRule } from './search-query.ts';
export type { Entity, EntityAnswer, EntityInput, RelationInput, RelationValue } from './entity.ts';
export type {
  Blueprint,
  BlueprintDefinition,
  BlueprintProperty,
  BlueprintRelation,
  BlueprintRelationInput,
  PropertyType,
} from './blueprint.ts';
export type {
  Action,
  ActionOperation,
  ActionTrigger,
  GithubInvocation,
  IntegrationActionInvocation,
  InvocationMethod,
  OtherInvocation,
  UpsertEntityInvocation,
  UserInputs,
  WebhookInvocation,
} from './action.ts';
export type {
  ClaimedRun,
  IntegrationActionPayload,
  Run,
  RunLog,
  RunReference,
  RunStatus,
  TerminationStatus,
} from './run.ts';
export {
  BLUEPRINT_IDENTIFIER,
  ENTITY_IDENTIFIER,
  followsRule,
  type IdentifierRule,
  identifierProblem,
  SCHEMA_KEY,
} from './identifiers.ts';
