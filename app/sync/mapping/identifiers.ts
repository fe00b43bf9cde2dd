/**
 * Port's identifier rules (docs/port-api.md, "Identifiers"): an entity identifier (and every
 * identifier a relation points at) is 1..1000 of letters, digits and `@_.+:\/=-`, and not `.` or `..`; a
 * blueprint identifier is the same without `=`, up to 100. Each function answers why a value breaks the rule, or
 * undefined when it is fine.
 */
import { describeValue } from './describe.ts';

const ENTITY_IDENTIFIER = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]{1,1000}$/u;
const BLUEPRINT_IDENTIFIER = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]{1,100}$/u;
const PROPERTY_KEY = /^[A-Za-z0-9@_=-]{1,100}$/;

export const ENTITY_IDENTIFIER_RULE = 'letters, digits and @_.+:\\/=- only, 1 to 1000 characters, not "." or ".."';
export const BLUEPRINT_IDENTIFIER_RULE = 'letters, digits and @_.+:\\/- only, 1 to 100 characters, not "." or ".."';
export const PROPERTY_KEY_RULE = 'letters A-Z a-z, digits and @_=- only, 1 to 100 characters';

export function entityIdentifierProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && ENTITY_IDENTIFIER.test(value)) return undefined;
  if (typeof value !== 'string') return `must be a string, got ${describeValue(value)}`;
  return `${describeValue(value)} is not a valid entity identifier (${ENTITY_IDENTIFIER_RULE})`;
}

export function blueprintIdentifierProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && BLUEPRINT_IDENTIFIER.test(value)) return undefined;
  if (typeof value !== 'string') return `must be a string, got ${describeValue(value)}`;
  return `${describeValue(value)} is not a valid blueprint identifier (${BLUEPRINT_IDENTIFIER_RULE})`;
}

/** The rule for the keys of a blueprint's properties and relations, which mapping keys must follow. */
export function propertyKeyProblem(key: string): string | undefined {
  return PROPERTY_KEY.test(key) ? undefined : `${describeValue(key)} is not a valid key (${PROPERTY_KEY_RULE})`;
}
