import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { MAX_JSON_DEPTH } from './json-limits.ts';

/** A JSON syntax error with where it is: offset (0-based) and line and column (1-based). */
export class JsonSyntaxError extends SyntaxError {
  readonly offset: number;
  readonly line: number;
  readonly column: number;

  constructor(problem: string, offset: number, line: number, column: number) {
    super(`${problem} at line ${line}, column ${column} (position ${offset})`);
    this.name = 'JsonSyntaxError';
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

/**
 * Strict JSON.parse that, on failure, says what is wrong and where. JSON.parse does the work; the slower
 * position-reporting parser only runs to explain a failure.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw locateSyntaxError(text);
  }
}

function locateSyntaxError(text: string): JsonSyntaxError {
  // The explaining parser recurses once per level: text nested too deep is named as such before it can overflow.
  const tooDeep = offsetTooDeep(text);
  if (tooDeep !== undefined) {
    return atOffset(text, tooDeep, `JSON nested more than ${MAX_JSON_DEPTH} levels deep (the limit)`);
  }
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  const problem = first
    ? (PROBLEMS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error))
    : 'invalid JSON';
  return atOffset(text, first?.offset ?? text.length, problem);
}

function atOffset(text: string, offset: number, problem: string): JsonSyntaxError {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return new JsonSyntaxError(problem, offset, line, column);
}

/** Where `text` opens its (MAX_JSON_DEPTH + 1)th nested container, outside strings; undefined if it never does. */
function offsetTooDeep(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let offset = 0; offset < text.length; offset++) {
    const char = text[offset];
    if (inString) {
      if (char === '\\') offset++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      if (++depth > MAX_JSON_DEPTH) return offset;
    } else if (char === ']' || char === '}') {
      depth--;
    }
  }
  return undefined;
}
