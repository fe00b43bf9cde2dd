import type { Entity } from '../../model.ts';

/**
 * What an input's jq queries read (a default, a dataset's values), as in Port's form: `.entity` the action runs on
 * (null for CREATE), `.user` who opens the form (the console signs in as the catalog's client, as its runs say),
 * and `.form` the inputs' values so far.
 */
export function formJqInput(entity: Entity | null, clientId: string, form: Record<string, unknown>): unknown {
  return { entity, user: { email: null, firstName: clientId, lastName: null, teams: [] }, form };
}
