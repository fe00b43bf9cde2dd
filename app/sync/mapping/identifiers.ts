/**
 * Port's identifier rules (src/port-model/identifiers.ts) as mapping problems word them: the value, then the rule
 * it breaks. Each function answers why a value breaks the rule, or undefined when it is fine.
 */
import {
  BLUEPRINT_IDENTIFIER,
  ENTITY_IDENTIFIER,
  followsRule,
  type IdentifierRule,
  SCHEMA_KEY,
} from '../../../src/port-model/index.ts';
import { describeValue } from '../../../src/port-yml/index.ts';

function ruleProblem(value: unknown, rule: IdentifierRule): string | undefined {
  if (followsRule(value, rule)) return undefined;
  if (typeof value !== 'string') return `must be a string, got ${describeValue(value)}`;
  return `${describeValue(value)} is not a valid ${rule.name} (${rule.summary})`;
}

export function entityIdentifierProblem(value: unknown): string | undefined {
  return ruleProblem(value, ENTITY_IDENTIFIER);
}

export function blueprintIdentifierProblem(value: unknown): string | undefined {
  return ruleProblem(value, BLUEPRINT_IDENTIFIER);
}

/** The rule for the keys of a blueprint's properties and relations, which mapping keys must follow. */
export function propertyKeyProblem(key: string): string | undefined {
  return ruleProblem(key, SCHEMA_KEY);
}
