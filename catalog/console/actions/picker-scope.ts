import type { Action } from '../../model.ts';
import type { EntitySort } from '../../store/index.ts';
import { isJqQuery, isPlainObject } from '../../validation/index.ts';
import { type FormContext, formJqInput } from './form-context.ts';
import { runFormQueries } from './form-queries.ts';
import type { PickerScope } from './offered.ts';

/** Rules and nesting a dataset may have before it is refused: it is the action author's, run on every keystroke. */
const MAX_DATASET_QUERIES = 20;

export class PickerScopeError extends Error {}

/** The definition of an entity input (or of the items of an array of entities), or undefined for any other input. */
export function entityInputOf(action: Action, input: string): Record<string, unknown> | undefined {
  const definition = Object.hasOwn(action.trigger.userInputs.properties, input)
    ? (action.trigger.userInputs.properties[input] as Record<string, unknown>)
    : undefined;
  if (!definition) return undefined;
  if (definition.format === 'entity') return definition;
  if (isPlainObject(definition.items) && definition.items.format === 'entity') {
    return { ...definition.items, dataset: definition.dataset ?? definition.items.dataset, sort: definition.sort };
  }
  return undefined;
}

/**
 * The input's `dataset` with each value written as a jq query (`{"value": {"jqQuery": ".form.env"}}`) worked out,
 * and its `sort` in the catalog's form (`ASC`/`DESC` as Port writes it). Throws PickerScopeError saying which query
 * failed and why.
 */
export async function pickerScopeOf(definition: Record<string, unknown>, context: FormContext): Promise<PickerScope> {
  const sort = sortOf(definition.sort);
  if (definition.dataset === undefined) return { sort };
  const programs: string[] = [];
  mapQueries(definition.dataset, (program) => programs.push(program));
  if (programs.length > MAX_DATASET_QUERIES) {
    throw new PickerScopeError(`the dataset has more than ${MAX_DATASET_QUERIES} jq queries`);
  }
  // The form's budgeted runner (form-queries.ts), the queries keyed by their place in the dataset's walk.
  const outcomes = await runFormQueries(
    new Map(programs.map((program, i) => [String(i), program])),
    formJqInput(context),
  );
  for (const outcome of outcomes.values()) {
    if ('problem' in outcome) throw new PickerScopeError(`a jq query of the dataset failed: ${outcome.problem}`);
  }
  let next = 0;
  const dataset = mapQueries(definition.dataset, () => {
    const outcome = outcomes.get(String(next++))!;
    return 'value' in outcome ? (outcome.value ?? null) : null;
  });
  return { dataset, sort };
}

/** The value with each `{"jqQuery": ...}` in it replaced, in one fixed order (depth first, keys as written). */
function mapQueries(value: unknown, replace: (program: string) => unknown): unknown {
  if (isJqQuery(value)) return replace(String(value.jqQuery));
  if (Array.isArray(value)) return value.map((item) => mapQueries(item, replace));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapQueries(item, replace)]));
  }
  return value;
}

function sortOf(sort: unknown): EntitySort | undefined {
  if (!isPlainObject(sort) || typeof sort.property !== 'string') return undefined;
  return { property: sort.property, order: String(sort.order).toUpperCase() === 'DESC' ? 'desc' : 'asc' };
}
