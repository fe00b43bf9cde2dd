import { evaluateJq, JqError } from '../../../src/jq/index.ts';
import type { Action, Entity } from '../../model.ts';
import type { EntitySort } from '../../store/index.ts';
import { isJqQuery, isPlainObject } from '../../validation/index.ts';
import { formJqInput } from './form-context.ts';
import type { PickerScope } from './offered.ts';

/** What a dataset's jq values read, as in Port's form: the entity the action runs on, the user, the form so far. */
export interface PickerContext {
  entity: Entity | null;
  clientId: string;
  form: Record<string, unknown>;
}

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
export async function pickerScopeOf(definition: Record<string, unknown>, context: PickerContext): Promise<PickerScope> {
  const input = formJqInput(context.entity, context.clientId, context.form);
  let queries = 0;
  const resolve = async (value: unknown): Promise<unknown> => {
    if (isJqQuery(value)) {
      queries += 1;
      if (queries > MAX_DATASET_QUERIES) {
        throw new PickerScopeError(`the dataset has more than ${MAX_DATASET_QUERIES} jq queries`);
      }
      try {
        const [result] = await evaluateJq(String(value.jqQuery), input);
        return result ?? null;
      } catch (error) {
        if (error instanceof JqError) throw new PickerScopeError(`a jq query of the dataset failed: ${error.message}`);
        throw error;
      }
    }
    if (Array.isArray(value)) return Promise.all(value.map(resolve));
    if (isPlainObject(value)) {
      const entries = await Promise.all(Object.entries(value).map(async ([key, item]) => [key, await resolve(item)]));
      return Object.fromEntries(entries) as unknown;
    }
    return value;
  };
  const dataset = definition.dataset === undefined ? undefined : await resolve(definition.dataset);
  return { dataset, sort: sortOf(definition.sort) };
}

function sortOf(sort: unknown): EntitySort | undefined {
  if (!isPlainObject(sort) || typeof sort.property !== 'string') return undefined;
  return { property: sort.property, order: String(sort.order).toUpperCase() === 'DESC' ? 'desc' : 'asc' };
}
