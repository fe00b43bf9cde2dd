import type { Action } from '../../model.ts';
import { isJqQuery, isPlainObject } from '../../validation/index.ts';

/** How a form asks for one input, chosen from its type and format as Port's own form does. */
export type FieldKind =
  'text' | 'multi-line' | 'number' | 'boolean' | 'choice' | 'choices' | 'lines' | 'json' | 'entity' | 'entities';

export interface FormField {
  /** The input's name in `userInputs.properties`. */
  name: string;
  label: string;
  description?: string | undefined;
  kind: FieldKind;
  /** The value a new form starts with (the input's default), as the form shows it. */
  initial: unknown;
  /** A default written as a jq query: the program that works it out (see jq-defaults.ts). */
  jqDefault?: string | undefined;
  /** A `visible` written as a jq query: whether the input is shown for the form's values (see visibility.ts). */
  jqVisible?: string | undefined;
  required: boolean;
  disabled: boolean;
  /** For `choice` and `choices`: the values offered. */
  options: readonly unknown[];
  /** For `entity` and `entities`: the blueprint whose entities are offered. */
  blueprint?: string | undefined;
  /** For `lines`: whether each line is a number. */
  numberLines: boolean;
  /** The input's `format` (url, email, date-time...), for the input's type and a hint. */
  format?: string | undefined;
  pattern?: string | undefined;
  /** Bounds written on the input, shown as a hint (minimum, maxLength...). */
  bounds: Record<string, number>;
}

const MULTI_LINE_FORMATS = new Set(['multi-line', 'markdown', 'yaml', 'proto']);
const BOUND_KEYWORDS = ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const;

/**
 * The fields of an action's form, in the action's `order` when it has one (inputs it leaves out follow, as
 * written). Inputs with `visible: false` are left out: Port hides them, and their defaults still apply. A default
 * written as a jq query is worked out when the form is opened (jq-defaults.ts); a `visible` written as one is
 * worked out for the form's values as they change (visibility.ts).
 */
export function formFieldsOf(action: Action): FormField[] {
  const { userInputs } = action.trigger;
  const required = new Set(Array.isArray(userInputs.required) ? userInputs.required : []);
  const names = Object.keys(userInputs.properties);
  const ordered = Array.isArray(userInputs.order)
    ? [
        ...userInputs.order.filter((name) => names.includes(name)),
        ...names.filter((n) => !userInputs.order!.includes(n)),
      ]
    : names;
  const fields: FormField[] = [];
  for (const name of ordered) {
    const definition = userInputs.properties[name] as Record<string, unknown>;
    if (definition.visible === false) continue;
    fields.push(fieldOf(name, definition, required.has(name)));
  }
  return fields;
}

function fieldOf(name: string, definition: Record<string, unknown>, required: boolean): FormField {
  const items = isPlainObject(definition.items) ? definition.items : undefined;
  const kind = kindOf(definition, items);
  const bounds: Record<string, number> = {};
  for (const keyword of BOUND_KEYWORDS) {
    if (typeof definition[keyword] === 'number') bounds[keyword] = definition[keyword];
  }
  const enumOf = (source: Record<string, unknown> | undefined): unknown[] =>
    Array.isArray(source?.enum) ? source.enum : [];
  const blueprint = definition.blueprint ?? items?.blueprint;
  return {
    name,
    label: typeof definition.title === 'string' && definition.title !== '' ? definition.title : name,
    description: typeof definition.description === 'string' ? definition.description : undefined,
    kind,
    initial: isJqQuery(definition.default) ? undefined : definition.default,
    jqDefault: isJqQuery(definition.default) ? String(definition.default.jqQuery) : undefined,
    jqVisible: isJqQuery(definition.visible) ? String(definition.visible.jqQuery) : undefined,
    required,
    disabled: definition.disabled === true,
    options: kind === 'choices' ? enumOf(items) : enumOf(definition),
    blueprint: typeof blueprint === 'string' ? blueprint : undefined,
    numberLines: items?.type === 'number',
    format: typeof definition.format === 'string' ? definition.format : undefined,
    pattern: typeof definition.pattern === 'string' ? definition.pattern : undefined,
    bounds,
  };
}

function kindOf(definition: Record<string, unknown>, items: Record<string, unknown> | undefined): FieldKind {
  switch (definition.type) {
    case 'number':
      return Array.isArray(definition.enum) ? 'choice' : 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      if (items?.format === 'entity') return 'entities';
      if (Array.isArray(items?.enum)) return 'choices';
      return items?.type === 'string' || items?.type === 'number' ? 'lines' : 'json';
    case 'object':
      return 'json';
    default:
      if (definition.format === 'entity') return 'entity';
      if (Array.isArray(definition.enum)) return 'choice';
      return MULTI_LINE_FORMATS.has(definition.format as string) ? 'multi-line' : 'text';
  }
}
