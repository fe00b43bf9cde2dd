import { evaluateJq, JqError, jqCompileProblem } from './engine.ts';

const TEMPLATE = /\{\{([\s\S]*?)\}\}/g;
const WHOLE_TEMPLATE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;

/** A template whose jq failed, named by where it sits in the templated value (`body.version`). */
export class TemplateError extends Error {
  readonly path: string;
  readonly expression: string;

  constructor(path: string, expression: string, reason: string) {
    super(`${path}: {{${expression}}}: ${reason}`);
    this.name = 'TemplateError';
    this.path = path;
    this.expression = expression;
  }
}

interface Slot {
  path: string;
  expression: string;
}

/**
 * Renders every `{{ jq }}` inside `value` (strings at any depth of objects and arrays) over `context`.
 * A string that is one whole template takes the jq value with its type (the first output; null when there is
 * none); a template inside a longer string is interpolated as text (strings as they are, null as nothing, other
 * values as JSON). All templates are evaluated by one jq run; `root` names the value in errors.
 */
export async function renderTemplates<T>(value: T, context: unknown, root = ''): Promise<T> {
  const slots: Slot[] = [];
  collectSlots(value, root, slots);
  if (slots.length === 0) return value;
  const results = await evaluateSlots(slots, context);
  let next = 0;
  return substitute(value, () => results[next++]) as T;
}

function collectSlots(value: unknown, path: string, slots: Slot[]): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(TEMPLATE)) slots.push({ path, expression: match[1]! });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collectSlots(item, `${path}[${index}]`, slots));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) collectSlots(item, path ? `${path}.${key}` : key, slots);
  }
}

/** Walks `value` in the same order as collectSlots, taking each template's result from `take`. */
function substitute(value: unknown, take: () => unknown): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    if (WHOLE_TEMPLATE.test(value) && value.match(TEMPLATE)?.length === 1) return take();
    return value.replace(TEMPLATE, () => asText(take()));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, take));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, take)]));
  }
  return value;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const ERROR_KEY = '__wharf_template_error';

async function evaluateSlots(slots: Slot[], context: unknown): Promise<unknown[]> {
  // One jq run for all templates; each is wrapped in try so a runtime error is caught and attributed to it.
  const program = slots.map((slot) => `(try ([${slot.expression}] | first) catch {"${ERROR_KEY}": .})`).join(',\n');
  let results: unknown[];
  try {
    results = await evaluateJq(program, context);
  } catch (error) {
    if (!(error instanceof JqError)) throw error;
    // A template that does not compile fails the whole program: find it by compiling each on its own.
    for (const slot of slots) {
      const problem = await jqCompileProblem(slot.expression);
      if (problem) throw new TemplateError(slot.path, slot.expression, problem);
    }
    throw error;
  }
  return results.map((result, index) => {
    if (result !== null && typeof result === 'object' && ERROR_KEY in result) {
      const slot = slots[index]!;
      const reason = (result as Record<string, unknown>)[ERROR_KEY];
      throw new TemplateError(slot.path, slot.expression, typeof reason === 'string' ? reason : JSON.stringify(reason));
    }
    return result ?? null;
  });
}
