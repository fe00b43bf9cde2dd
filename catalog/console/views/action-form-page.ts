import type { Action, Blueprint, Entity } from '../../model.ts';
import type { UserInputProblem } from '../../validation/index.ts';
import { consolePaths } from '../paths.ts';
import { type FieldState, formFieldMarkup } from './form-field.ts';
import { markup, type SafeHtml } from './markup.ts';
import { page } from './layout.ts';

export interface ActionForm {
  action: Action;
  /** The action's blueprint, when it has one. */
  blueprint: Blueprint | undefined;
  /** The entity a DAY-2 or DELETE action runs on, when the page was opened from it. */
  entity: Entity | undefined;
  /** For a DAY-2 or DELETE action opened without its entity: a picker for it, as one more field. */
  entityField: FieldState | undefined;
  fields: FieldState[];
  /** Problems of the last submission: each is shown beside its field and listed above the form. */
  problems: readonly UserInputProblem[];
  /** A refusal that is no one field's (the entity is gone, the action was deleted meanwhile). */
  formProblem?: string | undefined;
  csrfToken: string;
}

/** The form to run an action: one field per input, and the catalog's messages beside the fields it refused. */
export function actionFormPage(form: ActionForm): SafeHtml {
  const { action, blueprint, entity } = form;
  const crumbs = [{ label: 'Self-service', href: consolePaths.actions }];
  if (blueprint && entity) {
    crumbs.push(
      { label: blueprint.title, href: consolePaths.entities(blueprint.identifier) },
      { label: entity.identifier, href: consolePaths.entity(blueprint.identifier, entity.identifier) },
    );
  }
  return page({
    title: action.title ?? action.identifier,
    csrfToken: form.csrfToken,
    crumbs: [...crumbs, { label: action.title ?? action.identifier }],
    scripts: ['action-form.js'],
    body: markup`${action.description && markup`<p class="lead">${action.description}</p>`}
${problemSummary(form)}
<form class="action-form" method="post" action="${consolePaths.actionForm(action.identifier)}" novalidate${formStateAttribute(form)}>
<input type="hidden" name="_csrf" value="${form.csrfToken}" />
${
  entity &&
  markup`<p id="runs-on">Runs on <a href="${consolePaths.entity(blueprint!.identifier, entity.identifier)}">${entity.title || entity.identifier}</a>
<input type="hidden" name="entity" value="${entity.identifier}" /></p>`
}
${form.entityField && formFieldMarkup(form.entityField)}
${form.fields.length === 0 ? markup`<p>This action asks for nothing.</p>` : form.fields.map(formFieldMarkup)}
<p><button type="submit">${operationVerb(action)}</button></p>
</form>`,
  });
}

/**
 * Above the form, what was refused, each a link to its field: a person who does not see the fields beside (a
 * screen reader, a phone) learns of them first. The script moves focus here after a refusal.
 */
function problemSummary(form: ActionForm): SafeHtml | false {
  if (form.problems.length === 0 && !form.formProblem) return false;
  const count = form.problems.length;
  return markup`<div class="problem-summary" id="form-problems" role="alert" tabindex="-1">
<h2>${form.formProblem ? 'The run was not created' : `The run was not created: ${count === 1 ? 'one input needs' : `${count} inputs need`} a change`}</h2>
${form.formProblem && markup`<p class="problem" id="form-problem">${form.formProblem}</p>`}
${count > 0 && markup`<ul>${form.problems.map((problem) => markup`<li><a href="#field-${problem.input}">${problem.message}</a></li>`)}</ul>`}
</div>`;
}

function operationVerb(action: Action): string {
  return action.trigger.operation === 'DELETE' ? 'Run (deletes the entity)' : 'Run';
}

/** Where the script asks which inputs to show as the form changes; only a form with `visible` queries has one. */
function formStateAttribute(form: ActionForm): SafeHtml | '' {
  if (!form.fields.some((field) => field.conditional)) return '';
  const url = consolePaths.formState(form.action.identifier);
  return markup` data-form-state="${form.entity ? `${url}?entity=${encodeURIComponent(form.entity.identifier)}` : url}"`;
}
