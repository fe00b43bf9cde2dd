/**
 * Port's identifier rules (src/port-model/identifiers.ts) as the catalog words its refusals: each function answers
 * a phrase to put after the field's name, or undefined when the value is fine.
 */
import { reservedKeyProblem } from '../../src/json/index.ts';
import { BLUEPRINT_IDENTIFIER, ENTITY_IDENTIFIER, identifierProblem, SCHEMA_KEY } from '../../src/port-model/index.ts';
import { describeValue } from './describe.ts';

/** Port's entity identifier rule; also the rule for the identifiers a relation points at. */
export function entityIdentifierProblem(identifier: unknown): string | undefined {
  return identifierProblem(identifier, ENTITY_IDENTIFIER, describeValue);
}

export function blueprintIdentifierProblem(identifier: unknown): string | undefined {
  return identifierProblem(identifier, BLUEPRINT_IDENTIFIER, describeValue);
}

/**
 * The rule for property, relation, mirror, calculation and aggregation property identifiers (and action inputs).
 * `constructor` and `prototype` fit the pattern but would be found on every entity's plain object.
 */
export function schemaKeyProblem(key: string): string | undefined {
  return identifierProblem(key, SCHEMA_KEY, describeValue) ?? reservedKeyProblem(key);
}
