import type { UserInputProblem } from '../../validation/index.ts';
import { firstValue } from '../query-value.ts';
import type { FormField } from './form-fields.ts';

/** The name of a field's form control: input names are `[A-Za-z0-9@_=-]+`, so this cannot clash with `entity`. */
export const controlName = (field: FormField): string => `input.${field.name}`;

export interface FormSubmission {
  /** The run's inputs as the API takes them: typed by each input's kind, empty fields left out. */
  inputs: Record<string, unknown>;
  /** What the person wrote in each field, to show again beside the messages. */
  written: Record<string, string | string[]>;
  /** What could not even be read (JSON that does not parse); the catalog checks everything else. */
  problems: UserInputProblem[];
}

type FormBody = Record<string, unknown>;

/**
 * Reads a submitted form into the run's inputs. Values are only typed here (a number field's text becomes a
 * number when it is one); whether they are right is the catalog's check, as for the API, so a number field holding
 * "three" is passed on as "three" and refused with the API's message.
 */
export function readFormSubmission(fields: readonly FormField[], body: FormBody): FormSubmission {
  const inputs: Record<string, unknown> = {};
  const written: Record<string, string | string[]> = {};
  const problems: UserInputProblem[] = [];
  for (const field of fields) {
    if (field.disabled) continue;
    const raw = Object.hasOwn(body, controlName(field)) ? body[controlName(field)] : undefined;
    if (field.kind === 'choices') {
      const chosen = allTexts(raw);
      written[field.name] = chosen;
      if (chosen.length > 0) inputs[field.name] = chosen.map((text) => optionValue(field, text));
      continue;
    }
    const text = firstText(raw);
    written[field.name] = text;
    const value = valueOf(field, text);
    if (value instanceof SyntaxError) {
      problems.push({ input: field.name, message: `input "${field.name}" is not valid JSON: ${value.message}` });
    } else if (value !== undefined) {
      inputs[field.name] = value;
    }
  }
  return { inputs, written, problems };
}

function valueOf(field: FormField, text: string): unknown {
  if (field.kind === 'boolean') return text === 'true';
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (field.kind) {
    case 'number':
      return numberOrText(trimmed);
    case 'choice':
      return optionValue(field, text);
    case 'multi-line':
      return text.replace(/\r\n/g, '\n');
    case 'lines':
    case 'entities': {
      const lines = linesOf(text);
      return field.numberLines ? lines.map(numberOrText) : lines;
    }
    case 'json':
      try {
        return JSON.parse(trimmed) as unknown;
      } catch (error) {
        return error as SyntaxError;
      }
    default:
      return trimmed;
  }
}

/** The option the text stands for (an enum of numbers is sent as text), or the text itself. */
function optionValue(field: FormField, text: string): unknown {
  return field.options.find((option) => String(option) === text) ?? text;
}

function numberOrText(text: string): number | string {
  const number = Number(text);
  return Number.isFinite(number) ? number : text;
}

const linesOf = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** A control sent twice (a crafted form) counts once: its first value. */
const firstText = (raw: unknown): string => firstValue(raw) ?? '';

function allTexts(raw: unknown): string[] {
  const values = Array.isArray(raw) ? raw : [raw];
  return values.filter((value): value is string => typeof value === 'string');
}
