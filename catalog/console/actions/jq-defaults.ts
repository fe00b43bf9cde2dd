import { type FormContext, formJqInput } from './form-context.ts';
import type { FormField } from './form-fields.ts';
import { type QueryOutcome, runFormQueries } from './form-queries.ts';

/** Where defaults are worked out: `.form` is made of the other inputs' plain defaults. */
export type DefaultContext = Omit<FormContext, 'form'>;

export type WorkedOutDefault = QueryOutcome;

/**
 * Works out the defaults written as jq queries (`{"jqQuery": ".entity.properties.version"}`) when a form is opened:
 * one that fails leaves its field empty with the reason (form-queries.ts). `.form` holds the other inputs' plain
 * defaults: the form's state as it opens.
 */
export function workOutDefaults(
  fields: readonly FormField[],
  context: DefaultContext,
): Promise<Map<string, WorkedOutDefault>> {
  const form = Object.fromEntries(
    fields.filter((field) => field.initial !== undefined).map((field) => [field.name, field.initial]),
  );
  const queries = new Map(
    fields.flatMap((field) => (field.jqDefault === undefined ? [] : [[field.name, field.jqDefault] as const])),
  );
  return runFormQueries(queries, formJqInput({ ...context, form }));
}
