import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../../errors.ts';
import type { Action, Entity } from '../../model.ts';
import { createRun, requireAction, requireBlueprint, requireEntity } from '../../operations/index.ts';
import { compileUserInputsValidator, type UserInputProblem, UserInputsError } from '../../validation/index.ts';
import {
  entityInputOf,
  entityOptions,
  type FormContext,
  type FormField,
  formFieldsOf,
  MAX_PICKER_TEXT,
  pickerScopeOf,
  PickerScopeError,
  readFormSubmission,
  visibilityOf,
  type WorkedOutDefault,
  workOutDefaults,
} from '../actions/index.ts';
import { consolePaths, CONSOLE_PATH } from '../paths.ts';
import { actionFormPage } from '../views/action-form-page.ts';
import { actionsPage } from '../views/actions-page.ts';
import type { FieldState } from '../views/form-field.ts';
import { type ConsoleDeps, csrfTokenFor, sendPage } from './deps.ts';

type ActionParams = { Params: { action: string }; Querystring: { entity?: unknown }; Body: unknown };
type OptionsParams = { Params: { blueprint: string }; Querystring: { q?: unknown } };
type FormStateParams = { Params: { action: string }; Querystring: { entity?: unknown; form?: unknown } };
type InputOptionsParams = {
  Params: { action: string; input: string };
  Querystring: { q?: unknown; entity?: unknown; form?: unknown };
};

/** The form's values a picker sends for its dataset's `.form`: a person's inputs, not a document. */
const MAX_FORM_PARAM = 16 * 1024;

/** The `form` parameter as an object (none: empty), or what is wrong with it. */
function formParam(raw: unknown): Record<string, unknown> | string {
  if (raw === undefined || raw === '') return {};
  if (typeof raw !== 'string') return 'form: give it once, as a JSON object';
  if (raw.length > MAX_FORM_PARAM) return `form: at most ${MAX_FORM_PARAM} characters (got ${raw.length})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return `form: not JSON (${(error as Error).message})`;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : 'form: must be a JSON object';
}

/**
 * For an entity action opened without its entity: the entity is asked for like an input. `$` is in no input name,
 * so this field cannot clash with one.
 */
const ENTITY_FIELD_NAME = '$entity';

export function registerActionRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { ctx } = deps;

  app.get(consolePaths.actions, async (_request, reply) =>
    sendPage(reply, actionsPage(ctx.actions.list(), ctx.blueprints.list(), csrfTokenFor(reply))),
  );

  app.get<ActionParams>(`${CONSOLE_PATH}/actions/:action/run`, async (request, reply) => {
    const action = requireAction(ctx, request.params.action);
    const entityId = typeof request.query.entity === 'string' ? request.query.entity : undefined;
    const entity = entityOf(action, entityId);
    const defaults = await workOutDefaults(formFieldsOf(action), {
      entity: entity ?? null,
      clientId: deps.credentials.clientId,
    });
    return sendForm(reply, action, entity, { written: {}, problems: [], defaults });
  });

  app.post<ActionParams>(
    `${CONSOLE_PATH}/actions/:action/run`,
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const action = requireAction(ctx, request.params.action);
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
        string,
        unknown
      >;
      const fields = formFieldsOf(action);
      const submission = readFormSubmission(fields, body);
      const given = typeof body.entity === 'string' ? body.entity : undefined;
      const entity = given === undefined ? undefined : ctx.entities.get(action.trigger.blueprintIdentifier!, given);
      const picked = readFormSubmission([entityField(action)], body);
      const entityId = given ?? (picked.inputs[ENTITY_FIELD_NAME] as string | undefined);
      const written = { ...submission.written, ...(given === undefined ? picked.written : {}) };
      // An input its `visible` query hides for these values is not sent, as in Port's form (the script hides it too);
      // neither is a disabled one. Neither is required.
      const visibility = await visibilityOf(fields, {
        entity: entity ?? null,
        clientId: deps.credentials.clientId,
        form: submission.inputs,
      });
      const hidden = new Set([...visibility.hidden, ...fields.filter((field) => field.disabled).map((f) => f.name)]);
      for (const name of hidden) delete submission.inputs[name];
      submission.problems = submission.problems.filter((problem) => !hidden.has(problem.input));
      if (submission.problems.length > 0) {
        const others = otherProblems(action, submission.inputs, submission.problems, hidden);
        const problems = [...submission.problems, ...others];
        return sendForm(reply, action, entity, { written, problems, values: submission.inputs }, 422);
      }
      try {
        // The API's own operation: the same checks, the same messages, the run invoked the same way.
        const run = createRun(
          ctx,
          action.identifier,
          { properties: submission.inputs, ...(entityId !== undefined && { entity: entityId }) },
          { clientId: deps.credentials.clientId },
          hidden,
        );
        return await reply.redirect(consolePaths.run(run.id), 303);
      } catch (error) {
        if (error instanceof UserInputsError) {
          return sendForm(reply, action, entity, { written, problems: error.problems, values: submission.inputs }, 422);
        }
        if (!(error instanceof ApiError) || error.status >= 500) throw error;
        // The entity it runs on is missing or gone: beside the picker when there is one, else above the form.
        const aboutEntity = action.trigger.operation !== 'CREATE' && /\bentity\b/.test(error.message);
        const problems =
          aboutEntity && given === undefined ? [{ input: ENTITY_FIELD_NAME, message: error.message }] : [];
        const formProblem = problems.length > 0 ? undefined : error.message;
        return sendForm(
          reply,
          action,
          entity,
          { written, problems, formProblem, values: submission.inputs },
          error.status,
        );
      }
    },
  );

  app.get<OptionsParams>(
    `${CONSOLE_PATH}/blueprints/:blueprint/entity-options`,
    { config: { consoleData: true } },
    async (request, reply) => {
      const blueprint = requireBlueprint(ctx, request.params.blueprint);
      const text = typeof request.query.q === 'string' ? request.query.q : '';
      if (text.length > MAX_PICKER_TEXT) {
        return reply.status(422).send({ ok: false, message: `q: at most ${MAX_PICKER_TEXT} characters` });
      }
      return { ok: true, entities: entityOptions(ctx, blueprint.identifier, text) };
    },
  );

  app.get<InputOptionsParams>(
    `${CONSOLE_PATH}/actions/:action/inputs/:input/entity-options`,
    { config: { consoleData: true } },
    async (request, reply) => {
      const action = requireAction(ctx, request.params.action);
      const definition = entityInputOf(action, request.params.input);
      const refuse = (status: number, message: string) => reply.status(status).send({ ok: false, message });
      if (!definition || typeof definition.blueprint !== 'string') {
        return refuse(404, `input "${request.params.input}" of action "${action.identifier}" is not an entity input`);
      }
      const text = typeof request.query.q === 'string' ? request.query.q : '';
      if (text.length > MAX_PICKER_TEXT) return refuse(422, `q: at most ${MAX_PICKER_TEXT} characters`);
      const form = typedForm(action, request.query.form);
      if (typeof form === 'string') return refuse(422, form);
      const entity = pageEntity(action, request.query.entity);
      try {
        const scope = await pickerScopeOf(definition, { entity, clientId: deps.credentials.clientId, form });
        const blueprint = requireBlueprint(ctx, definition.blueprint);
        return { ok: true, entities: entityOptions(ctx, blueprint.identifier, text, scope) };
      } catch (error) {
        if (error instanceof PickerScopeError) return refuse(422, error.message);
        // The dataset's rules are the catalog's search: what it refuses is said the same way.
        if (error instanceof ApiError && error.status < 500) return refuse(error.status, error.message);
        throw error;
      }
    },
  );

  app.get<FormStateParams>(
    `${CONSOLE_PATH}/actions/:action/form-state`,
    { config: { consoleData: true } },
    async (request, reply) => {
      const action = requireAction(ctx, request.params.action);
      const form = typedForm(action, request.query.form);
      if (typeof form === 'string') return reply.status(422).send({ ok: false, message: form });
      const { hidden, problems } = await visibilityOf(formFieldsOf(action), {
        entity: pageEntity(action, request.query.entity),
        clientId: deps.credentials.clientId,
        form,
      });
      return { ok: true, hidden: [...hidden], problems: Object.fromEntries(problems) };
    },
  );

  /**
   * The form's values a script sent (`{"env": "prod", "tags": "a\nb"}`, as the controls hold them), typed as a
   * submitted form would be, so that `.form` reads the same in the script's requests as when the form is sent.
   */
  function typedForm(action: Action, raw: unknown): Record<string, unknown> | string {
    const texts = formParam(raw);
    if (typeof texts === 'string') return texts;
    const body = Object.fromEntries(Object.entries(texts).map(([name, value]) => [`input.${name}`, value]));
    return readFormSubmission(formFieldsOf(action), body).inputs;
  }

  /** The entity a script's request names (the page's), for an entity action; null when none or gone. */
  function pageEntity(action: Action, raw: unknown): Entity | null {
    const blueprintId = action.trigger.blueprintIdentifier;
    if (typeof raw !== 'string' || !blueprintId || action.trigger.operation === 'CREATE') return null;
    return ctx.entities.get(blueprintId, raw) ?? null;
  }

  interface FormState {
    written: Record<string, string | string[]>;
    problems: readonly UserInputProblem[];
    formProblem?: string | undefined;
    /** Defaults written as jq queries, worked out as the form opens. */
    defaults?: Map<string, WorkedOutDefault>;
    /** The values a refused form sent. */
    values?: Record<string, unknown>;
  }

  async function sendForm(
    reply: FastifyReply,
    action: Action,
    entity: Entity | undefined,
    state: FormState,
    status = 200,
  ): Promise<FastifyReply> {
    const problemOf = (name: string): string | undefined =>
      state.problems.find((problem) => problem.input === name)?.message;
    const fields = formFieldsOf(action).map((field) => {
      const worked = state.defaults?.get(field.name);
      return worked && 'value' in worked ? { ...field, initial: worked.value } : field;
    });
    // The form as it stands, for the pickers' datasets: the values sent, else the defaults.
    const form = Object.fromEntries(fields.map((field) => [field.name, state.values?.[field.name] ?? field.initial]));
    const context = { entity: entity ?? null, clientId: deps.credentials.clientId, form };
    // Together, so that their jq queries wait on jq's workers at the same time rather than one form after another.
    const [pickerList, visibility] = await Promise.all([
      Promise.all(
        fields
          .filter((field) => field.kind === 'entity' || field.kind === 'entities')
          .map(async (field) => [field.name, await pickerOf(action, field, context)] as const),
      ),
      visibilityOf(fields, context),
    ]);
    const pickers = new Map<string, Picker>(pickerList);
    const stateOf = (field: FormField): FieldState => {
      const worked = state.defaults?.get(field.name);
      const picker = pickers.get(field.name);
      return {
        field,
        written: Object.hasOwn(state.written, field.name) ? state.written[field.name] : undefined,
        problem: problemOf(field.name),
        defaultProblem: worked && 'problem' in worked ? worked.problem : undefined,
        conditional: field.jqVisible !== undefined,
        hidden: visibility.hidden.has(field.name),
        visibleProblem: visibility.problems.get(field.name),
        ...picker,
      };
    };
    const blueprintId = action.trigger.blueprintIdentifier;
    const asksEntity = action.trigger.operation !== 'CREATE' && entity === undefined;
    const document = actionFormPage({
      action,
      blueprint: blueprintId ? ctx.blueprints.get(blueprintId) : undefined,
      entity,
      entityField: asksEntity ? { ...stateOf(entityField(action)), ...entityPicker(blueprintId!) } : undefined,
      fields: fields.map(stateOf),
      problems: state.problems,
      formProblem: state.formProblem,
      csrfToken: csrfTokenFor(reply),
    });
    return sendPage(reply, document, status);
  }

  type Picker = Pick<FieldState, 'options' | 'optionsUrl' | 'pickerProblem'>;

  /**
   * An entity input's picker: where it searches (its own route, which applies the input's dataset and sort), and
   * the entities it offers before anything is typed. A dataset that cannot be worked out offers none, saying why.
   */
  async function pickerOf(action: Action, field: FormField, context: FormContext): Promise<Picker> {
    const base = consolePaths.inputEntityOptions(action.identifier, field.name);
    const { entity } = context;
    const optionsUrl = entity ? `${base}?entity=${encodeURIComponent(entity.identifier)}` : base;
    const definition = entityInputOf(action, field.name);
    if (!definition || !field.blueprint || !ctx.blueprints.has(field.blueprint)) return { options: [], optionsUrl };
    try {
      const scope = await pickerScopeOf(definition, context);
      return { options: entityOptions(ctx, field.blueprint, '', scope), optionsUrl };
    } catch (error) {
      if (error instanceof PickerScopeError || (error instanceof ApiError && error.status < 500)) {
        return { options: [], optionsUrl, pickerProblem: error.message };
      }
      throw error;
    }
  }

  /** The picker of the entity a DAY-2 or DELETE action runs on: any entity of its blueprint. */
  function entityPicker(blueprint: string): Picker {
    return {
      options: ctx.blueprints.has(blueprint) ? entityOptions(ctx, blueprint, '') : [],
      optionsUrl: consolePaths.entityOptions(blueprint),
    };
  }

  /** The entity a page was opened for; 404 when it is not in the catalog (a stale link says so). */
  function entityOf(action: Action, entityId: string | undefined): Entity | undefined {
    if (entityId === undefined || action.trigger.operation === 'CREATE') return undefined;
    return requireEntity(ctx, action.trigger.blueprintIdentifier!, entityId);
  }
}

/**
 * With a field that could not be read, no run is created, but the rest is still checked (by the catalog's own
 * check of a run's inputs) so that a person fixes everything in one go. A field already refused is not refused
 * twice (left out, it would also be "required").
 */
function otherProblems(
  action: Action,
  inputs: Record<string, unknown>,
  known: readonly UserInputProblem[],
  hidden: ReadonlySet<string>,
): UserInputProblem[] {
  try {
    compileUserInputsValidator(action.identifier, action.trigger.userInputs).validate(inputs, hidden);
    return [];
  } catch (error) {
    if (!(error instanceof UserInputsError)) throw error;
    return error.problems.filter((problem) => !known.some((other) => other.input === problem.input));
  }
}

function entityField(action: Action): FormField {
  const blueprint = action.trigger.blueprintIdentifier;
  return {
    name: ENTITY_FIELD_NAME,
    label: 'Entity',
    description: `The ${blueprint} entity the action runs on.`,
    kind: 'entity',
    initial: undefined,
    required: true,
    disabled: false,
    options: [],
    blueprint,
    numberLines: false,
    bounds: {},
  };
}
