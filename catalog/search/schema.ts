/**
 * The search query of POST /v1/entities/search (docs/port-api.md, "Search"): the rule forms
 * wharf evaluates. Contextual values ({context: "user"}), scorecard, propertySchema, matchAny and timer rules are
 * not supported and fail validation.
 */
import { z } from 'zod';
import { DATE_PRESETS, isDateTime, type DatePreset } from './dates.ts';

export const META_PROPERTIES = [
  '$identifier',
  '$title',
  '$icon',
  '$team',
  '$blueprint',
  '$createdAt',
  '$createdBy',
  '$updatedAt',
  '$updatedBy',
  // The User-Agent of the Ocean integration that last wrote the entity (catalog/operations/datasource.ts).
  '$datasource',
] as const;

const EQUALITY = ['=', '!='] as const;
const ORDERING = ['>', '>=', '<', '<='] as const;
const TEXT = ['contains', 'doesNotContains', 'beginsWith', 'doesNotBeginsWith', 'endsWith', 'doesNotEndsWith'] as const;
const LIST = ['containsAny', 'in', 'notIn'] as const;
const EMPTINESS = ['isEmpty', 'isNotEmpty'] as const;
const RANGE = ['between', 'notBetween'] as const;

export const OPERATORS = [...EQUALITY, ...ORDERING, ...TEXT, ...LIST, ...EMPTINESS, ...RANGE, 'relatedTo'] as const;
export type Operator = (typeof OPERATORS)[number];

export type DateWindow = { from: string; to: string } | { preset: DatePreset };
export type ListValue = (string | number)[];

export type PropertyRule =
  | { property: string; operator: '=' | '!='; value: string | number | boolean | null | string[] | DateWindow }
  | { property: string; operator: (typeof ORDERING)[number]; value: number | string }
  | { property: string; operator: (typeof TEXT)[number]; value: string }
  | { property: string; operator: (typeof LIST)[number]; value: ListValue }
  | { property: string; operator: (typeof EMPTINESS)[number] }
  | { property: string; operator: (typeof RANGE)[number]; value: DateWindow };

/** A rule on a relation's target: the value is compared with each related entity's identifier (or title). */
export type RelationRule = { relation: string; targetProperty?: '$identifier' | '$title' } & (
  | { operator: '=' | '!=' | (typeof TEXT)[number]; value: string }
  | { operator: (typeof LIST)[number]; value: ListValue }
  | { operator: (typeof EMPTINESS)[number] }
);

export interface RelatedToRule {
  operator: 'relatedTo';
  blueprint: string;
  value: string | string[];
  direction?: 'upstream' | 'downstream';
  required?: boolean;
}

export interface SearchQuery {
  combinator: 'and' | 'or';
  rules: SearchRule[];
}

export type SearchRule = SearchQuery | PropertyRule | RelationRule | RelatedToRule;

const dateTime = z
  .string()
  .refine(isDateTime, 'expected an ISO 8601 date-time with a zone, e.g. 2026-01-01T00:00:00.000Z');

const dateWindow = z
  .strictObject({ from: dateTime.optional(), to: dateTime.optional(), preset: z.enum(DATE_PRESETS).optional() })
  .refine(
    (window) =>
      window.preset === undefined ? window.from !== undefined && window.to !== undefined : !window.from && !window.to,
    'expected {from, to} or {preset}',
  )
  .transform((window): DateWindow =>
    window.preset ? { preset: window.preset } : { from: window.from!, to: window.to! },
  );

const listValue = z.array(z.union([z.string(), z.number()]));

const property = z
  .string()
  .min(1)
  .refine((name) => !name.startsWith('$') || (META_PROPERTIES as readonly string[]).includes(name), {
    error: (issue) => `unknown meta property "${issue.input}"; expected one of ${META_PROPERTIES.join(', ')}`,
  });

/** `{error}` for a discriminated union on `operator`, naming the operators that rule form accepts. */
function operatorError(form: string, accepted: readonly string[]) {
  return {
    // Called with the whole rule when its `operator` matches none of the union's options.
    error: (issue: { input?: unknown }) => {
      const operator = (issue.input as { operator?: unknown } | undefined)?.operator;
      if (operator === undefined) return 'is required';
      const expected = `expected one of ${accepted.join(', ')}`;
      return (OPERATORS as readonly unknown[]).includes(operator)
        ? `operator ${JSON.stringify(operator)} does not apply to ${form}; ${expected}`
        : `unknown operator ${JSON.stringify(operator)}; ${expected}`;
    },
  };
}

const propertyRule = z.discriminatedUnion(
  'operator',
  [
    z.strictObject({
      property,
      operator: z.enum(EQUALITY),
      value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string()), dateWindow]),
    }),
    z.strictObject({ property, operator: z.enum(ORDERING), value: z.union([z.number(), z.string()]) }),
    z.strictObject({ property, operator: z.enum(TEXT), value: z.string() }),
    z.strictObject({ property, operator: z.enum(LIST), value: listValue }),
    z.strictObject({ property, operator: z.enum(EMPTINESS) }),
    z.strictObject({ property, operator: z.enum(RANGE), value: dateWindow }),
  ],
  operatorError(
    'property rules',
    OPERATORS.filter((operator) => operator !== 'relatedTo'),
  ),
);

const relationTarget = { relation: z.string().min(1), targetProperty: z.enum(['$identifier', '$title']).optional() };

const relationRule = z.discriminatedUnion(
  'operator',
  [
    z.strictObject({ ...relationTarget, operator: z.enum([...EQUALITY, ...TEXT]), value: z.string() }),
    z.strictObject({ ...relationTarget, operator: z.enum(LIST), value: listValue }),
    z.strictObject({ ...relationTarget, operator: z.enum(EMPTINESS) }),
  ],
  operatorError('relation rules', [...EQUALITY, ...TEXT, ...LIST, ...EMPTINESS]),
);

const relatedToRule = z.strictObject({
  operator: z.literal('relatedTo'),
  blueprint: z.string().min(1),
  value: z.union([z.string(), z.array(z.string())]),
  direction: z.enum(['upstream', 'downstream']).optional(),
  required: z.boolean().optional(),
});

/** Which rule form an input is, by its keys, so a bad rule is reported against the form it was meant to be. */
function ruleFormOf(input: unknown): z.ZodType<SearchRule> | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  if ('combinator' in input || 'rules' in input) return searchQuerySchema;
  if ('operator' in input && input.operator === 'relatedTo') return relatedToRule;
  if ('relation' in input) return relationRule;
  return propertyRule;
}

const ruleSchema: z.ZodType<SearchRule> = z.unknown().transform((input, context) => {
  const form = ruleFormOf(input);
  if (!form) {
    context.addIssue({ code: 'custom', message: 'expected a rule object or a nested {combinator, rules} query' });
    return z.NEVER;
  }
  const result = form.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) context.addIssue(issue as Parameters<typeof context.addIssue>[0]);
  return z.NEVER;
});

export const searchQuerySchema: z.ZodType<SearchQuery> = z.strictObject({
  combinator: z.enum(['and', 'or']),
  // An empty rules array is allowed and matches every entity.
  rules: z.array(z.lazy(() => ruleSchema)),
});
