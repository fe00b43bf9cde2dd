/**
 * Identifier rules of the Port API (docs/port-api.md, "Identifiers"):
 * - entity identifiers (and relation values): `^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$`, up to 1000 characters;
 * - blueprint identifiers: `^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$` (no `=`), up to 100 characters;
 * - keys of schema.properties, relations, mirror/calculation/aggregation properties: `^[A-Za-z0-9@_=\-]+$`,
 *   up to 100 characters.
 * Each `...Problem` function answers a phrase to put after the field's name, or undefined when the value is fine.
 */
import { reservedKeyProblem } from '../../src/json/index.ts';
import { describeValue } from './describe.ts';

interface IdentifierRule {
  maxLength: number;
  /** Matches one allowed character. */
  allowedChar: RegExp;
  /** Said in messages: "may only contain <allowedText>". */
  allowedText: string;
  /** Port refuses `.` and `..` where identifiers may contain dots (they would be path segments). */
  refuseDotSegments: boolean;
}

const ENTITY_IDENTIFIER: IdentifierRule = {
  maxLength: 1000,
  allowedChar: /^[\p{L}0-9@_.+:\\/=-]$/u,
  allowedText: 'letters, digits and @_.+:\\/=-',
  refuseDotSegments: true,
};

const BLUEPRINT_IDENTIFIER: IdentifierRule = {
  maxLength: 100,
  allowedChar: /^[\p{L}0-9@_.+:\\/-]$/u,
  allowedText: 'letters, digits and @_.+:\\/-',
  refuseDotSegments: true,
};

const SCHEMA_KEY: IdentifierRule = {
  maxLength: 100,
  allowedChar: /^[A-Za-z0-9@_=-]$/,
  allowedText: 'letters A-Z a-z, digits and @_=-',
  refuseDotSegments: false,
};

// Whole-string forms of the rules above, for the fast path: one regex test per identifier.
const ENTITY_IDENTIFIER_PATTERN = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]{1,1000}$/u;

function identifierProblem(value: unknown, rule: IdentifierRule): string | undefined {
  if (typeof value !== 'string') return `must be a string (got ${describeValue(value)})`;
  if (value.length === 0) return 'must not be empty';
  if (value.length > rule.maxLength) {
    return `must be at most ${rule.maxLength} characters long (got ${value.length})`;
  }
  if (rule.refuseDotSegments && (value === '.' || value === '..')) return 'must not be "." or ".."';
  for (const char of value) {
    if (!rule.allowedChar.test(char)) {
      return `may only contain ${rule.allowedText} (found ${JSON.stringify(char)} in ${describeValue(value)})`;
    }
  }
  return undefined;
}

/** Port's entity identifier rule; also the rule for the identifiers a relation points at. */
export function entityIdentifierProblem(identifier: unknown): string | undefined {
  // Entity writes call this for every identifier and relation value: test the common, valid case first.
  if (typeof identifier === 'string' && ENTITY_IDENTIFIER_PATTERN.test(identifier)) return undefined;
  return identifierProblem(identifier, ENTITY_IDENTIFIER);
}

export function blueprintIdentifierProblem(identifier: unknown): string | undefined {
  return identifierProblem(identifier, BLUEPRINT_IDENTIFIER);
}

/**
 * The rule for property, relation, mirror, calculation and aggregation property identifiers (and action inputs).
 * `constructor` and `prototype` fit the pattern but would be found on every entity's plain object.
 */
export function schemaKeyProblem(key: string): string | undefined {
  return identifierProblem(key, SCHEMA_KEY) ?? reservedKeyProblem(key);
}
