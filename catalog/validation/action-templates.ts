/**
 * The `{{ jq }}` templates of an action's invocationMethod are compiled when the action is written, so a syntax
 * error is a 422 naming the template's path, not a run that fails later. They are only compiled here, never run.
 */
import { jqCompileProblem, templateCompileProblem, templateSlots } from '../../src/jq/index.ts';
import type { UserInputs } from '../model.ts';
import { isJqQuery } from './property-definition.ts';
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

/**
 * The jq queries of an action's inputs (`default`, `visible` and `required` written as `{"jqQuery": ...}`) are
 * compiled when the action is written too: a syntax error is a 422 naming the input, not a form that cannot fill in.
 */
export async function checkInputQueries(userInputs: UserInputs, root: string): Promise<void> {
  const queries: { path: string; program: string }[] = [];
  const collect = (path: string, value: unknown) => {
    if (isJqQuery(value) && typeof value.jqQuery === 'string') queries.push({ path, program: value.jqQuery });
  };
  for (const [name, definition] of Object.entries(userInputs.properties)) {
    collect(`${root}.properties.${name}.default`, definition.default);
    collect(`${root}.properties.${name}.visible`, definition.visible);
  }
  collect(`${root}.required`, userInputs.required);
  if (queries.length > MAX_ACTION_TEMPLATES) {
    throw invalidRequest(
      `${root}: holds ${queries.length} jq queries, more than the ${MAX_ACTION_TEMPLATES} an action may have`,
    );
  }
  for (const { path, program } of queries) {
    const problem = await jqCompileProblem(program);
    if (problem) throw invalidRequest(`${path}.jqQuery: ${describeExpression(program)} is not valid jq: ${problem}`);
  }
}
