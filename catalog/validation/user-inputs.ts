/**
 * A self-service action's `userInputs` (a JSON-schema-like object whose properties are written like blueprint
 * properties) and the check of a run's inputs against it. Inputs of format `entity` name an entity of `blueprint`:
 * an identifier, or an object with one.
 */
import { reservedKeyProblem } from '../../src/json/index.ts';
import { ApiError, invalidRequest } from '../errors.ts';
import type { UserInputs } from '../model.ts';
import { describeNames, describeValue, isPlainObject } from './describe.ts';
import { isJqQuery, parseInputDefinition } from './property-definition.ts';
import { compileValueCheck, type ValueCheck } from './value-check.ts';

export interface UserInputProblem {
  /** The input the problem is in; the message names it too. */
  input: string;
  message: string;
}

/** A run's inputs refused: the message is the first problem's, as the API answers it; a form shows them all. */
export class UserInputsError extends ApiError {
  readonly problems: readonly UserInputProblem[];
  constructor(problems: readonly UserInputProblem[]) {
    super(422, 'user_inputs_schema_invalid', problems[0]!.message);
    this.problems = problems;
  }
}

export interface UserInputsValidator {
  /**
   * The inputs with defaults applied; throws a UserInputsError (422 user_inputs_schema_invalid). `hidden`: inputs a
   * form hid (their `visible` query said so), which are then not required.
   */
  validate(inputs: Record<string, unknown>, hidden?: ReadonlySet<string>): Record<string, unknown>;
}

const isEntityFormat = (definition: Record<string, unknown>): boolean =>
  definition.format === 'entity' || (isPlainObject(definition.items) && definition.items.format === 'entity');

/** Checks the definition itself (422 invalid_request naming the field under `path`); answers it as written. */
export function parseUserInputs(path: string, raw: unknown): UserInputs {
  if (raw === undefined) return { properties: {} };
  if (!isPlainObject(raw)) throw invalidRequest(`${path}: must be an object (got ${describeValue(raw)})`);
  const properties = raw.properties ?? {};
  if (!isPlainObject(properties)) {
    throw invalidRequest(`${path}.properties: must be an object (got ${describeValue(properties)})`);
  }
  for (const [name, definition] of Object.entries(properties)) {
    const field = `${path}.properties.${name}`;
    const reserved = reservedKeyProblem(name);
    if (reserved) throw invalidRequest(`${field}: input name ${reserved}`);
    if (isPlainObject(definition) && isEntityFormat(definition)) {
      if (typeof definition.blueprint !== 'string' && !isPlainObject(definition.items)) {
        throw invalidRequest(`${field}.blueprint: an input of format "entity" names its blueprint`);
      }
      continue;
    }
    parseInputDefinition(field, definition);
  }
  const { required } = raw;
  if (Array.isArray(required)) {
    for (const [index, name] of required.entries()) {
      if (typeof name !== 'string' || !Object.hasOwn(properties, name)) {
        throw invalidRequest(
          `${path}.required[${index}]: ${describeValue(name)} is not an input (inputs: ${describeNames(Object.keys(properties))})`,
        );
      }
    }
  } else if (required !== undefined && !isPlainObject(required)) {
    throw invalidRequest(`${path}.required: must be a list of input names (got ${describeValue(required)})`);
  }
  return { ...raw, properties } as UserInputs;
}

export function compileUserInputsValidator(actionIdentifier: string, userInputs: UserInputs): UserInputsValidator {
  const checks = new Map<string, ValueCheck>();
  for (const [name, definition] of Object.entries(userInputs.properties)) {
    checks.set(name, isEntityFormat(definition) ? checkEntityReference : compileValueCheck(definition));
  }
  // A `required` written as a jq query (`{"jqQuery": ...}`) depends on the form's state; only a list is enforced.
  const required = Array.isArray(userInputs.required) ? userInputs.required : [];
  const defined = describeNames([...checks.keys()]);

  // Every input's problem (one per input), so that a form can show each beside its field.
  const check = (
    inputs: Record<string, unknown>,
    hidden: ReadonlySet<string>,
  ): { values: Record<string, unknown>; problems: UserInputProblem[] } => {
    const values: Record<string, unknown> = { ...inputs };
    for (const [name, definition] of Object.entries(userInputs.properties)) {
      // A default written as a jq query is the form's to work out (from the entity and the user); over the API
      // the caller gives the value.
      if (values[name] === undefined && definition.default !== undefined && !isJqQuery(definition.default))
        values[name] = structuredClone(definition.default);
    }
    const problems: UserInputProblem[] = [];
    for (const [name, value] of Object.entries(values)) {
      const valueCheck = checks.get(name);
      if (!valueCheck) {
        problems.push({
          input: name,
          message: `input "${name}" is not defined on action "${actionIdentifier}" (inputs: ${defined})`,
        });
        continue;
      }
      if (value === null || value === undefined) continue;
      const problem = valueCheck(value);
      if (problem) problems.push({ input: name, message: `input "${name}${problem.path}" ${problem.problem}` });
    }
    for (const name of required) {
      if (hidden.has(name)) continue;
      if (values[name] === undefined || values[name] === null || values[name] === '') {
        problems.push({ input: name, message: `input "${name}" is required` });
      }
    }
    return { values, problems };
  };

  return {
    validate(inputs, hidden = new Set()) {
      const { values, problems } = check(inputs, hidden);
      if (problems.length > 0) throw new UserInputsError(problems);
      return values;
    },
  };
}

function checkEntityReference(value: unknown): { path: string; problem: string } | undefined {
  const references = Array.isArray(value) ? value : [value];
  for (const reference of references) {
    const ok =
      (typeof reference === 'string' && reference !== '') ||
      (isPlainObject(reference) && typeof reference.identifier === 'string');
    if (!ok) return { path: '', problem: `must be an entity identifier (got ${describeValue(reference)})` };
  }
  return undefined;
}
