/**
 * Port's identifier rules (docs/port-api.md, "Identifiers"), for the catalog that enforces them and the App that
 * checks what it maps before sending it:
 * - entity identifiers (and every identifier a relation holds): `^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$`, 1 to 1000
 *   characters;
 * - blueprint identifiers: the same without `=`, 1 to 100 characters;
 * - keys of schema.properties, relations, mirror/calculation/aggregation properties: `^[A-Za-z0-9@_=-]+$`, 1 to 100
 *   characters.
 */

export interface IdentifierRule {
  /** What the identifier names, in messages: "entity identifier". */
  name: string;
  maxLength: number;
  /** The whole rule as one test: one regex per identifier on the common, valid path. */
  pattern: RegExp;
  /** Matches one allowed character, to name the first one that is not. */
  allowedChar: RegExp;
  /** Said in messages: "may only contain <allowedText>". */
  allowedText: string;
  /** Port refuses `.` and `..` where identifiers may contain dots (they would be path segments). */
  refuseDotSegments: boolean;
  /** The rule in one phrase, for messages that quote it. */
  summary: string;
}

/** Builds a rule from its allowed characters (a character class body) so that its forms cannot disagree. */
function rule(spec: {
  name: string;
  chars: string;
  unicode: boolean;
  maxLength: number;
  allowedText: string;
  refuseDotSegments: boolean;
}): IdentifierRule {
  const { name, chars, maxLength, allowedText, refuseDotSegments } = spec;
  const flags = spec.unicode ? 'u' : '';
  const dotSegments = refuseDotSegments ? String.raw`(?!\.{1,2}$)` : '';
  return {
    name,
    maxLength,
    pattern: new RegExp(`^${dotSegments}[${chars}]{1,${maxLength}}$`, flags),
    allowedChar: new RegExp(`^[${chars}]$`, flags),
    allowedText,
    refuseDotSegments,
    summary: `${allowedText} only, 1 to ${maxLength} characters${refuseDotSegments ? ', not "." or ".."' : ''}`,
  };
}

export const ENTITY_IDENTIFIER = rule({
  name: 'entity identifier',
  chars: String.raw`\p{L}0-9@_.+:\\/=-`,
  unicode: true,
  maxLength: 1000,
  allowedText: 'letters, digits and @_.+:\\/=-',
  refuseDotSegments: true,
});

export const BLUEPRINT_IDENTIFIER = rule({
  name: 'blueprint identifier',
  chars: String.raw`\p{L}0-9@_.+:\\/-`,
  unicode: true,
  maxLength: 100,
  allowedText: 'letters, digits and @_.+:\\/-',
  refuseDotSegments: true,
});

/** Keys of a blueprint's properties, relations and mirror, calculation and aggregation properties. */
export const SCHEMA_KEY = rule({
  name: 'key',
  chars: 'A-Za-z0-9@_=-',
  unicode: false,
  maxLength: 100,
  allowedText: 'letters A-Z a-z, digits and @_=-',
  refuseDotSegments: false,
});

/** Whether `value` follows the rule. */
export function followsRule(value: unknown, rule: IdentifierRule): value is string {
  return typeof value === 'string' && rule.pattern.test(value);
}

/**
 * Why `value` breaks the rule, as a phrase to put after the field's name ("must not be empty"), or undefined when
 * it follows it. `describe` names a value in the message, in the caller's style.
 */
export function identifierProblem(
  value: unknown,
  rule: IdentifierRule,
  describe: (value: unknown) => string,
): string | undefined {
  if (followsRule(value, rule)) return undefined;
  if (typeof value !== 'string') return `must be a string (got ${describe(value)})`;
  if (value.length === 0) return 'must not be empty';
  if (value.length > rule.maxLength) return `must be at most ${rule.maxLength} characters long (got ${value.length})`;
  if (rule.refuseDotSegments && (value === '.' || value === '..')) return 'must not be "." or ".."';
  for (const char of value) {
    if (!rule.allowedChar.test(char)) {
      return `may only contain ${rule.allowedText} (found ${JSON.stringify(char)} in ${describe(value)})`;
    }
  }
  return undefined;
}
