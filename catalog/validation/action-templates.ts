/**
 * The `{{ jq }}` templates of an action's invocationMethod are compiled when the action is written, so a syntax
 * error is a 422 naming the template's path, not a run that fails later. They are only compiled here, never run.
 */
import { templateCompileProblem, templateSlots } from '../../src/jq/index.ts';
import { invalidRequest } from '../errors.ts';

/** Templates one action may hold: each costs a compile on write and a slot in every run's jq program. */
export const MAX_ACTION_TEMPLATES = 500;

/** Throws invalidRequest naming the first template under `root` that jq cannot compile. */
export async function checkTemplates(value: unknown, root: string): Promise<void> {
  const slots = templateSlots(value, root);
  if (slots.length > MAX_ACTION_TEMPLATES) {
    throw invalidRequest(
      `${root}: holds ${slots.length} {{ }} templates, more than the ${MAX_ACTION_TEMPLATES} an action may have`,
    );
  }
  const problem = await templateCompileProblem(slots);
  if (problem) {
    throw invalidRequest(
      `${problem.path}: {{${describeExpression(problem.expression)}}} is not valid jq: ${problem.reason}`,
    );
  }
}

function describeExpression(expression: string): string {
  return expression.length > 60 ? `${expression.slice(0, 57)}...` : expression;
}
