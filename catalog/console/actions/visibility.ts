import { type FormContext, formJqInput } from './form-context.ts';
import type { FormField } from './form-fields.ts';
import { runFormQueries } from './form-queries.ts';

export interface Visibility {
  /** Inputs whose `visible` query answered false (or null) for the form as it stands. */
  hidden: Set<string>;
  /** Inputs whose `visible` query failed: they are shown, with the reason. */
  problems: Map<string, string>;
}

/**
 * Which inputs a form shows for the values it holds, from the inputs' `visible` jq queries (`.form.env ==
 * "prod"`). A hidden input is not sent: the form leaves it out of the run, as Port's does. A query that fails
 * shows its input rather than hide something the run may need.
 */
export async function visibilityOf(fields: readonly FormField[], context: FormContext): Promise<Visibility> {
  const queries = new Map(
    fields.flatMap((field) => (field.jqVisible === undefined ? [] : [[field.name, field.jqVisible] as const])),
  );
  const outcomes = await runFormQueries(queries, formJqInput(context));
  const visibility: Visibility = { hidden: new Set(), problems: new Map() };
  for (const [name, outcome] of outcomes) {
    if ('problem' in outcome) visibility.problems.set(name, outcome.problem);
    else if (outcome.value === false || outcome.value === null || outcome.value === undefined) {
      visibility.hidden.add(name);
    }
  }
  return visibility;
}
