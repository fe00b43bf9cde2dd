import { setTimeout as sleep } from 'node:timers/promises';
import { evaluateJq, JqError, jqLimits } from '../../../src/jq/index.ts';
import type { Entity } from '../../model.ts';
import { formJqInput } from './form-context.ts';
import type { FormField } from './form-fields.ts';

/** What a default's jq query reads, as Port's form gives it: the entity the action runs on, the user, the form. */
export interface DefaultContext {
  entity: Entity | null;
  /** Who opens the form: the console signs in with the catalog's client, as the API's runs name it. */
  clientId: string;
}

export type WorkedOutDefault = { value: unknown } | { problem: string };

/**
 * Works out the defaults written as jq queries (`{"jqQuery": ".entity.properties.version"}`) when a form is opened,
 * in jq's bounded workers: a query that fails, runs too long or needs too much memory leaves its field empty with
 * the reason, and the rest of the form is unaffected. `.form` holds the other inputs' plain defaults: the form's
 * state as it opens.
 */
export async function workOutDefaults(
  fields: readonly FormField[],
  context: DefaultContext,
): Promise<Map<string, WorkedOutDefault>> {
  const form = Object.fromEntries(
    fields.filter((field) => field.initial !== undefined).map((field) => [field.name, field.initial]),
  );
  const input = formJqInput(context.entity, context.clientId, form);
  // One budget for the whole form: many slow queries queue behind jq's few workers, and the page must not wait for
  // each in turn. What is not worked out by then is left empty, saying so.
  const budgetMs = jqLimits().timeoutMs + FORM_BUDGET_MARGIN_MS;
  const abandon = new AbortController();
  const outOfTime = sleep(budgetMs, undefined, { signal: abandon.signal }).then(
    (): WorkedOutDefault => ({ problem: `not worked out within ${budgetMs} ms (the form's time for its jq defaults)` }),
    () => ({ problem: 'abandoned' }),
  );
  try {
    const worked = await Promise.all(
      fields
        .filter((field) => field.jqDefault !== undefined)
        .map(async (field): Promise<[string, WorkedOutDefault]> => {
          const result = await Promise.race([evaluate(field.jqDefault!, input), outOfTime]);
          return [field.name, result];
        }),
    );
    return new Map(worked);
  } finally {
    abandon.abort();
  }
}

/** Beyond one evaluation's own limit: the time a form gives all of its jq defaults together. */
const FORM_BUDGET_MARGIN_MS = 500;

async function evaluate(program: string, input: unknown): Promise<WorkedOutDefault> {
  try {
    const [value] = await evaluateJq(program, input);
    return { value: value ?? undefined };
  } catch (error) {
    if (!(error instanceof JqError)) throw error;
    return { problem: error.message };
  }
}
