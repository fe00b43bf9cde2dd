import type { Entity } from '../../model.ts';

/** Where an input's jq queries (a default, `visible`, a dataset's values) are worked out. */
export interface FormContext {
  /** The entity the action runs on; null for CREATE. */
  entity: Entity | null;
  /** Who opens the form: the console signs in as the catalog's client, as its runs say. */
  clientId: string;
  /** The inputs' values so far. */
  form: Record<string, unknown>;
}

/** What the queries read, as in Port's form: `.entity`, `.user`, `.form`. */
export function formJqInput(context: FormContext): unknown {
  const { entity, clientId, form } = context;
  return { entity, user: { email: null, firstName: clientId, lastName: null, teams: [] }, form };
}
