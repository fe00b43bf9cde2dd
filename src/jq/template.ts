import { evaluateJq, firstToOverrun, JqError, JqLimitError, jqCompileProblem } from './engine.ts';

const TEMPLATE = /\{\{([\s\S]*?)\}\}/g;
const WHOLE_TEMPLATE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;

/** A template whose jq failed, named by where it sits in the templated value (`body.version`). */
export class TemplateError extends Error {
  readonly path: string;
  readonly expression: string;
  /** jq's words, or the limit the template ran into. */
  readonly reason: string;

  constructor(path: string, expression: string, reason: string) {
    super(`${path}: {{${expression}}}: ${reason}`);
    this.name = 'TemplateError';
    this.path = path;
    this.expression = expression;
    this.reason = reason;
  }
}

/** One `{{ jq }}` template: where it sits in the templated value, and its jq. */
export interface TemplateSlot {
  path: string;
  expression: string;
}
type Slot = TemplateSlot;

/**
 * Renders every `{{ jq }}` inside `value` (strings at any depth of objects and arrays) over `context`.
 * A string that is one whole template takes the jq value with its type (the first output; null when there is
 * none); a template inside a longer string is interpolated as text (strings as they are, null as nothing, other
 * values as JSON). All templates are evaluated by one jq run; `root` names the value in errors.
 */
export async function renderTemplates<T>(value: T, context: unknown, root = ''): Promise<T> {
  const slots = templateSlots(value, root);
  if (slots.length === 0) return value;
  const results = await evaluateSlots(slots, context);
  let next = 0;
  return substitute(value, () => results[next++]) as T;
}

/** Every template inside `value`, in the order renderTemplates evaluates them; `root` names the value. */
export function templateSlots(value: unknown, root = ''): TemplateSlot[] {
  const slots: Slot[] = [];
  collectSlots(value, root, slots);
  return slots;
}

/**
 * The first template that jq cannot compile, with jq's words, or undefined when all compile. Nothing is run: all
 * are compiled as one program first, and only when that fails each alone, to name the one.
 */
export async function templateCompileProblem(slots: readonly TemplateSlot[]): Promise<TemplateError | undefined> {
  if (slots.length === 0) return undefined;
  const together = slots.map((slot) => `(${slot.expression}\n)`).join(', ');
  if (slots.length > 1 && (await jqCompileProblem(together)) === undefined) return undefined;
  for (const slot of slots) {
    const problem = await jqCompileProblem(slot.expression);
    if (problem) return new TemplateError(slot.path, slot.expression, problem);
  }
  return undefined;
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
  let results: unknown[];
  try {
    results = await evaluateJq(slotsProgram(slots), context);
  } catch (error) {
    if (error instanceof JqLimitError) throw await overrunningSlot(slots, context, error);
    if (!(error instanceof JqError)) throw error;
    // A template that does not compile fails the whole program: find it.
    throw (await templateCompileProblem(slots)) ?? error;
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

/** One jq program for all templates; each is wrapped in try so a runtime error is caught and attributed to it. */
function slotsProgram(slots: readonly Slot[]): string {
  return slots.map((slot) => `(try ([${slot.expression}] | first) catch {"${ERROR_KEY}": .})`).join(',\n');
}

/**
 * The template that made the one program overrun its limit: each is run alone, in order, until one overruns too.
 * The others are quick (they ran within the limit before), so this costs about one more limit.
 */
async function overrunningSlot(
  slots: readonly Slot[],
  context: unknown,
  overrun: JqLimitError,
): Promise<TemplateError> {
  const alone =
    slots.length > 1 ? await firstToOverrun(slots, (slot) => evaluateJq(slotsProgram([slot]), context)) : undefined;
  if (alone) return new TemplateError(alone.item.path, alone.item.expression, alone.overrun.message);
  const slot = slots[0]!;
  const together = slots.length > 1 ? ' (with the other templates of this value; none overran alone)' : '';
  return new TemplateError(slot.path, slot.expression, `${overrun.message}${together}`);
}
