/**
 * The `{{ jq }}` templates of an action's invocationMethod are compiled when the action is written, so a syntax
 * error is a 422 naming the template's path, not a run that fails later. Templates are only compiled here, never
 * run: each is checked as `empty | (...)`, which jq compiles in full but never evaluates.
 */
import { JqError, jqCompileProblem } from '../../src/jq/index.ts';
import { invalidRequest } from '../errors.ts';

/** Templates one action may hold: each costs a compile on write and a slot in every run's jq program. */
export const MAX_ACTION_TEMPLATES = 500;

// The template syntax of src/jq/template.ts, which renders them.
const TEMPLATE = /\{\{([\s\S]*?)\}\}/g;

interface Slot {
  path: string;
  expression: string;
}

/** Throws invalidRequest naming the first template under `root` that jq cannot compile. */
export async function checkTemplates(value: unknown, root: string): Promise<void> {
  const slots: Slot[] = [];
  collectSlots(value, root, slots);
  if (slots.length === 0) return;
  if (slots.length > MAX_ACTION_TEMPLATES) {
    throw invalidRequest(
      `${root}: holds ${slots.length} {{ }} templates, more than the ${MAX_ACTION_TEMPLATES} an action may have`,
    );
  }
  // One compile for the whole action; only when it fails is each template compiled to find the one to name.
  if ((await guardedProblem(slots.map((slot) => slot.expression))) === undefined) return;
  for (const slot of slots) {
    const problem = await guardedProblem([slot.expression]);
    if (problem === undefined) continue;
    const asWritten = await bareProblem(slot.expression);
    throw invalidRequest(
      `${slot.path}: {{${describeExpression(slot.expression)}}} is not valid jq: ${asWritten ?? problem}`,
    );
  }
}

/** The paths are those that run errors name (src/jq/template.ts): `invocationMethod.body.version`, `[2]`. */
function collectSlots(value: unknown, path: string, slots: Slot[]): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(TEMPLATE)) slots.push({ path, expression: match[1]! });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collectSlots(item, `${path}[${index}]`, slots));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) collectSlots(item, `${path}.${key}`, slots);
  }
}

async function guardedProblem(expressions: string[]): Promise<string | undefined> {
  const program = `empty | (${expressions.map((expression) => `(${expression}\n)`).join(', ')})`;
  try {
    return await jqCompileProblem(program);
  } catch (error) {
    // Stopped while running: the program compiled (a template closed the guard's parentheses to run itself).
    if (error instanceof JqError) return undefined;
    throw error;
  }
}

/** jq's message about the template alone, whose lines and tokens are the user's own; undefined if none. */
async function bareProblem(expression: string): Promise<string | undefined> {
  try {
    return await jqCompileProblem(expression);
  } catch (error) {
    if (error instanceof JqError) return undefined;
    throw error;
  }
}

function describeExpression(expression: string): string {
  return expression.length > 60 ? `${expression.slice(0, 57)}...` : expression;
}
