/**
 * The content of a `file` object as the vendor gives it to jq: a `.json` file parsed as JSON, a `.yaml`/`.yml` file
 * as YAML, anything else (or a file that does not parse) as its text. Files come from repositories anyone with
 * push access writes, so the parse is bounded: the text's size, the nesting depth and the number of values after
 * YAML aliases are expanded (a "billion laughs" file is refused rather than expanded).
 */
import { LineCounter, parse as parseYaml, parseDocument } from 'yaml';

/** The largest file read: the vendor's limit (GitHub's contents API answers files up to 1 MB). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** The deepest nesting of arrays and objects a parsed file may have. */
export const MAX_DEPTH = 100;
/** The most values (arrays, objects, scalars) a parsed file may expand to, aliases counted each time they are used. */
export const MAX_VALUES = 1_000_000;
/** YAML aliases one file may use. */
const MAX_YAML_ALIASES = 1000;

export type ParsedContent = { ok: true; content: unknown } | { ok: false; error: string };

const JSON_SUFFIX = /\.json$/i;
const YAML_SUFFIX = /\.ya?ml$/i;

/** `text` of the file at `path` as jq sees it (see the module's comment); an error says why it cannot be given. */
export function parseFileContent(path: string, text: string, skipParsing = false): ParsedContent {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_FILE_BYTES) return { ok: false, error: tooLarge(bytes) };
  if (skipParsing) return { ok: true, content: text };
  let content: unknown;
  if (JSON_SUFFIX.test(path)) {
    const nesting = jsonNesting(text);
    if (nesting > MAX_DEPTH) return { ok: false, error: tooDeep() };
    try {
      content = JSON.parse(text);
    } catch {
      return { ok: true, content: text }; // not JSON after all: its text, as the vendor gives it
    }
  } else if (YAML_SUFFIX.test(path)) {
    try {
      content = parseYaml(text, { maxAliasCount: MAX_YAML_ALIASES, prettyErrors: false });
    } catch (error) {
      // The parser reports running out of stack as a syntax error at the place it got to.
      if (error instanceof RangeError || /call stack/i.test((error as Error).message)) {
        return { ok: false, error: tooDeep() };
      }
      if (error instanceof ReferenceError && /alias/i.test(error.message)) {
        return { ok: false, error: `its YAML aliases expand too far (${error.message})` };
      }
      return { ok: true, content: text };
    }
  } else {
    return { ok: true, content: text };
  }
  const problem = sizeProblem(content);
  return problem ? { ok: false, error: problem } : { ok: true, content };
}

/**
 * Why the text of a `.json` or `.yaml` file does not parse (which parseFileContent passes over, giving the text),
 * with the line the parser names (1 when it names none); undefined when it parses or is of another kind.
 */
export function syntaxProblem(path: string, text: string): { line: number; message: string } | undefined {
  if (JSON_SUFFIX.test(path)) {
    try {
      JSON.parse(text);
      return undefined;
    } catch (error) {
      const message = (error as Error).message;
      return { line: Number(/line (\d+)/.exec(message)?.[1] ?? 1), message: `it is not JSON: ${message}` };
    }
  }
  if (!YAML_SUFFIX.test(path)) return undefined;
  const lines = new LineCounter();
  const [error] = parseDocument(text, { lineCounter: lines, prettyErrors: false }).errors;
  if (!error) return undefined;
  const line = error.linePos?.[0]?.line ?? lines.linePos(error.pos[0]).line;
  return { line, message: `it is not YAML: ${error.message.split('\n')[0]}` };
}

export function tooLarge(bytes: number): string {
  return `it is ${bytes} bytes; files of more than ${MAX_FILE_BYTES} bytes are not read`;
}

function tooDeep(): string {
  return `it nests more than ${MAX_DEPTH} levels deep`;
}

/** The deepest bracket nesting of JSON text (strings skipped), counted before parsing. */
function jsonNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

/** Why a parsed value is too big to map (too deep, too many values once shared parts are counted each time). */
function sizeProblem(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let values = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (++values > MAX_VALUES) return `it holds more than ${MAX_VALUES} values once its YAML aliases are expanded`;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_DEPTH) return tooDeep();
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}
