import { controlName, type FormField } from '../actions/index.ts';
import { consolePaths } from '../paths.ts';
import { markup, type SafeHtml } from './markup.ts';

/** One field as the page shows it: what is in it, and the catalog's message about it if it was refused. */
export interface FieldState {
  field: FormField;
  /** What the person wrote (after a refusal), else undefined: the input's default is shown. */
  written: string | string[] | undefined;
  problem?: string | undefined;
  /** Why the input's default, a jq query, could not be worked out. */
  defaultProblem?: string | undefined;
  /** Whether the input has a `visible` query: the script shows and hides it as the form changes. */
  conditional?: boolean | undefined;
  /** Hidden for the form's values: not sent with the run. */
  hidden?: boolean | undefined;
  /** Why the input's `visible` query failed (it is shown). */
  visibleProblem?: string | undefined;
  /** For entity pickers: entities offered before anything is typed. */
  options?: readonly { identifier: string; title: string | null }[] | undefined;
  /** For entity pickers: where the script searches as one types. */
  optionsUrl?: string | undefined;
  /** For entity pickers: why the input's dataset could not be worked out (no entity is offered). */
  pickerProblem?: string | undefined;
}

export const fieldId = (name: string): string => `in-${name}`;
const hintId = (name: string): string => `hint-${name}`;
export const problemId = (name: string): string => `problem-${name}`;

const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'A date and time in ISO 8601, such as 2026-12-04T09:30:00Z.',
  url: 'A URL, such as https://example.com.',
  email: 'An email address.',
  ipv4: 'An IPv4 address.',
  ipv6: 'An IPv6 address.',
  yaml: 'YAML.',
  markdown: 'Markdown.',
  user: 'A user’s email address.',
  team: 'A team’s name.',
};

const INPUT_TYPES: Record<string, string> = { url: 'url', email: 'email' };

/**
 * A labelled control with its hint and its problem, tied to it by aria-describedby so that a screen reader reads
 * them with it. The form has `novalidate`: the catalog is the one judge of a value, and its message is shown here.
 */
export function formFieldMarkup(state: FieldState): SafeHtml {
  const { field, problem } = state;
  const describedBy = [hintId(field.name), problem ? problemId(field.name) : undefined].filter(Boolean).join(' ');
  const shared = markup`id="${fieldId(field.name)}" name="${controlName(field)}" aria-describedby="${describedBy}"${
    problem ? markup` aria-invalid="true"` : ''
  }${field.required ? markup` required aria-required="true"` : ''}${field.disabled ? markup` disabled` : ''}`;
  const hint = markup`<p class="hint" id="${hintId(field.name)}">${hintOf(field)}${queryProblems(state)}</p>`;
  const problemText = problem && markup`<p class="field-problem" id="${problemId(field.name)}">${problem}</p>`;
  const required = field.required ? markup` <span class="required">(required)</span>` : '';

  if (field.kind === 'choices') {
    const chosen = new Set(valuesShown(state));
    return markup`<fieldset class="field" id="field-${field.name}" aria-describedby="${describedBy}"${shown(state)}>
<legend>${field.label}${required}</legend>
${hint}
${field.options.map(
  (option, index) =>
    markup`<label class="choice"><input type="checkbox" id="${fieldId(field.name)}-${index}" name="${controlName(field)}" value="${String(option)}"${
      chosen.has(String(option)) ? markup` checked` : ''
    }${field.disabled ? markup` disabled` : ''} /> ${String(option)}</label>`,
)}
${problemText}
</fieldset>`;
  }
  if (field.kind === 'boolean') {
    const checked = state.written === undefined ? field.initial === true : state.written === 'true';
    return markup`<div class="field field-boolean" id="field-${field.name}"${shown(state)}>
<input type="checkbox" value="true" ${shared}${checked ? markup` checked` : ''} />
<label for="${fieldId(field.name)}">${field.label}${required}</label>
${hint}
${problemText}
</div>`;
  }
  return markup`<div class="field" id="field-${field.name}"${shown(state)}>
<label for="${fieldId(field.name)}">${field.label}${required}</label>
${hint}
${control(state, shared)}
${problemText}
</div>`;
}

function control(state: FieldState, shared: SafeHtml): SafeHtml {
  const { field } = state;
  const text = textShown(state);
  switch (field.kind) {
    case 'choice': {
      const offerNone = !field.required || field.initial === undefined;
      return markup`<select ${shared}>
${offerNone && markup`<option value="">(none)</option>`}
${field.options.map((option) => markup`<option value="${String(option)}"${text === String(option) ? markup` selected` : ''}>${String(option)}</option>`)}
</select>`;
    }
    case 'number':
      return markup`<input type="text" inputmode="decimal" value="${text}" ${shared} />`;
    case 'multi-line':
    case 'lines':
    case 'json':
      // The parser drops a newline right after <textarea>: one is written so that the text's own is kept.
      return markup`<textarea rows="${field.kind === 'json' ? 6 : 4}" ${shared}>
${text}</textarea>`;
    case 'entity':
      return markup`<input type="text" value="${text}" list="options-${field.name}" autocomplete="off" data-entity-options="${state.optionsUrl ?? consolePaths.entityOptions(field.blueprint!)}" ${shared} />
${entityDatalist(state)}`;
    case 'entities':
      return markup`<textarea rows="4" ${shared}>
${text}</textarea>
<label class="picker-label" for="pick-${field.name}">Find a ${field.blueprint} entity to add</label>
<input type="text" id="pick-${field.name}" list="options-${field.name}" autocomplete="off" data-entity-options="${state.optionsUrl ?? consolePaths.entityOptions(field.blueprint!)}" data-add-to="${fieldId(field.name)}"${field.disabled ? markup` disabled` : ''} />
${entityDatalist(state)}`;
    default:
      return markup`<input type="${INPUT_TYPES[field.format ?? ''] ?? 'text'}" value="${text}" ${shared} />`;
  }
}

function entityDatalist(state: FieldState): SafeHtml {
  return markup`<datalist id="options-${state.field.name}">${(state.options ?? []).map(
    (option) => markup`<option value="${option.identifier}">${option.title ?? ''}</option>`,
  )}</datalist>`;
}

function hintOf(field: FormField): SafeHtml {
  const parts: string[] = [];
  if (field.description) parts.push(/[.!?:]$/.test(field.description) ? field.description : `${field.description}.`);
  if (field.kind === 'entity') parts.push(`The identifier of a ${field.blueprint} entity; type to search.`);
  if (field.kind === 'entities') parts.push(`Identifiers of ${field.blueprint} entities, one per line.`);
  if (field.kind === 'lines') parts.push(field.numberLines ? 'Numbers, one per line.' : 'One value per line.');
  if (field.kind === 'json') parts.push('JSON.');
  if (field.kind === 'choices') parts.push('Choose any.');
  if (field.format && FORMAT_HINTS[field.format]) parts.push(FORMAT_HINTS[field.format]!);
  if (field.pattern !== undefined) parts.push(`Must match the pattern ${field.pattern}.`);
  const bounds = boundsHint(field.bounds);
  if (bounds) parts.push(bounds);
  return markup`${parts.join(' ')}`;
}

function boundsHint(bounds: Record<string, number>): string | undefined {
  const phrases: string[] = [];
  if (bounds.minimum !== undefined) phrases.push(`at least ${bounds.minimum}`);
  if (bounds.maximum !== undefined) phrases.push(`at most ${bounds.maximum}`);
  if (bounds.minLength !== undefined) phrases.push(`at least ${bounds.minLength} characters`);
  if (bounds.maxLength !== undefined) phrases.push(`at most ${bounds.maxLength} characters`);
  if (bounds.minItems !== undefined) phrases.push(`at least ${bounds.minItems} values`);
  if (bounds.maxItems !== undefined) phrases.push(`at most ${bounds.maxItems} values`);
  return phrases.length > 0 ? `${capitalize(phrases.join(', '))}.` : undefined;
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The text a control holds: what was written, else the default written as the control takes it. */
function textShown(state: FieldState): string {
  if (state.written !== undefined) return Array.isArray(state.written) ? state.written.join('\n') : state.written;
  const { initial, kind } = state.field;
  if (initial === undefined || initial === null) return '';
  if (kind === 'json') return JSON.stringify(initial, null, 2);
  if ((kind === 'lines' || kind === 'entities') && Array.isArray(initial)) return initial.map(String).join('\n');
  return typeof initial === 'string' ? initial : String(initial);
}

function valuesShown(state: FieldState): string[] {
  if (state.written !== undefined) return Array.isArray(state.written) ? state.written : [state.written];
  return Array.isArray(state.field.initial) ? state.field.initial.map(String) : [];
}

/** A conditional input's wrapper: marked for the script, and hidden while its `visible` query says so. */
function shown(state: FieldState): SafeHtml | '' {
  if (!state.conditional) return '';
  return state.hidden ? markup` data-conditional hidden` : markup` data-conditional`;
}

/** What the input's jq queries could not work out, each said after the hint. */
function queryProblems(state: FieldState): SafeHtml[] {
  const problems: [string, string | undefined][] = [
    ['Its default', state.defaultProblem],
    ['Its choices', state.pickerProblem],
    ['Whether to show it', state.visibleProblem],
  ];
  return problems.flatMap(([what, problem]) =>
    problem === undefined
      ? []
      : [markup` <span class="default-problem">${what} could not be worked out: ${problem}</span>`],
  );
}
