import { JsonSyntaxError, jsonValueProblem, parseJson } from '../json/index.ts';

export type JsonInputResult = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * An input's JSON, parsed as written. The vendor's action joins the input's lines after trimming each and parses
 * that, which also accepts a string value broken over lines; so does this, as a second try. When both fail, the
 * problem is the one in the text as written, with its line, column and position.
 */
export function parseJsonInput(text: string): JsonInputResult {
  const parsed = parseAsWritten(text);
  if (!parsed.ok) return parsed;
  const problem = valueProblem(parsed.value);
  return problem === undefined ? parsed : { ok: false, problem };
}

/**
 * What wharf refuses in a parsed value (too deep, a number beyond a double, a `__proto__` key), as a problem that
 * says where: `a.b[0]: ...`. Too deep matters most here: the client's JSON.stringify would overflow the stack.
 */
export function valueProblem(value: unknown): string | undefined {
  const found = jsonValueProblem(value, '');
  if (!found) return undefined;
  const path = found.path.replace(/^\./, '');
  return path === '' ? found.problem : `${path}: ${found.problem}`;
}

function parseAsWritten(text: string): JsonInputResult {
  try {
    return { ok: true, value: parseJson(text) };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const joined = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .join('');
    if (joined !== text) {
      try {
        return { ok: true, value: JSON.parse(joined) as unknown };
      } catch {
        // the problem reported is the one in the text as written
      }
    }
    return { ok: false, problem: `is not valid JSON: ${error.message}` };
  }
}

/**
 * `team` and `link` take a JSON array of strings or one plain string, as the vendor's do. Text that starts like
 * JSON (`[` or `"`) must be valid JSON; anything else is the value itself.
 */
export function parseListOrText(text: string): { ok: true; value: string | string[] } | { ok: false; problem: string } {
  if (!text.startsWith('[') && !text.startsWith('"')) return { ok: true, value: text };
  const parsed = parseJsonInput(text);
  if (!parsed.ok) {
    const hint = text.startsWith("['") ? ' (JSON strings take double quotes: ["a", "b"])' : '';
    return { ok: false, problem: `${parsed.problem}${hint}` };
  }
  const { value } = parsed;
  if (typeof value === 'string') return { ok: true, value };
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return { ok: true, value };
  return { ok: false, problem: 'must be a JSON array of strings or a plain string' };
}
