/**
 * Validation of blueprints and of entities against them, with Port's rules and messages that name the field.
 * Blueprint problems are 422 invalid_request; entity problems against the blueprint are 422
 * blueprint_schema_mismatch.
 */
export {
  parseBlueprintDefinition,
  type BlueprintDefinition,
  type BlueprintDefinitionOptions,
} from './blueprint-definition.ts';
export { mergeBlueprintPatch } from './blueprint-patch.ts';
export { compileEntityValidator, type EntityToValidate, type EntityValidator } from './entity-validator.ts';
export { entityIdentifierProblem } from './identifiers.ts';
export {
  parseUserInputs,
  compileUserInputsValidator,
  UserInputsError,
  type UserInputProblem,
  type UserInputsValidator,
} from './user-inputs.ts';
export { parseActionDefinition, type ActionDefinition } from './action-definition.ts';
export { checkInputQueries, checkTemplates, MAX_ACTION_TEMPLATES } from './action-templates.ts';
export { isJqQuery } from './property-definition.ts';
export { MAX_PATTERN_PROGRAM_SIZE } from './user-pattern.ts';
export { describeValue, isPlainObject } from './describe.ts';
