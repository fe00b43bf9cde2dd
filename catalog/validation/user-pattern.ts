/**
 * Regular expressions written by users (`pattern` of blueprint properties and of action inputs) run on RE2
 * (re2js), whose matching time grows linearly with the text: JavaScript's backtracking engine takes seconds, or
 * forever, for a pattern such as `^(a+)+$` on "aaaa…a!". Patterns keep JSON Schema's ECMAScript syntax; the few
 * constructs that need backtracking are refused when the pattern is written, naming the construct.
 */
import type { CodeOptions } from 'ajv';
import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';
import { LruMap } from '../../src/lru/index.ts';
import { describeValue } from './describe.ts';

type RegExpEngine = NonNullable<CodeOptions['regExp']>;
type RegExpLike = ReturnType<RegExpEngine>;

/**
 * RE2's matching time is the text's length times the size of the pattern's program, in the worst case: at 300
 * instructions a MiB of text (the most a request can carry) is matched in about 2 s at worst. Long counted repeats
 * make programs large; `maxLength` bounds a length at no cost.
 */
export const MAX_PATTERN_PROGRAM_SIZE = 300;
/** Distinct patterns kept compiled; a blueprint's validator keeps its own, so an evicted one costs a recompile. */
const CACHED_PATTERNS = 1000;

const ENGINE = "wharf's linear-time regex engine (RE2)";

/** Constructs of ECMAScript patterns that need backtracking, as they start in the pattern's text. */
const UNSUPPORTED: readonly { opening: string; name: string }[] = [
  { opening: '(?=', name: 'lookahead' },
  { opening: '(?!', name: 'negative lookahead' },
  { opening: '(?<=', name: 'lookbehind' },
  { opening: '(?<!', name: 'negative lookbehind' },
];

/** A pattern that cannot be run on RE2; its message is a phrase to put after the field's name. */
export class UnsupportedPatternError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'UnsupportedPatternError';
  }
}

type Compiled = { re2: RegExpLike } | { problem: string };

/**
 * Matching work (the pattern's program size times the text's length) allowed in one turn of the event loop: about
 * 200 ms at worst, however many values one request or bulk write holds. RE2 is linear, but a 100-instruction pattern
 * over a MiB of text is still over a second.
 */
export const PATTERN_WORK_PER_TURN = 20_000_000;

/** A value whose pattern check would take the event loop past PATTERN_WORK_PER_TURN; its message is a phrase. */
export class PatternBudgetError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'PatternBudgetError';
  }
}

let workThisTurn = 0;
let resetScheduled = false;

function meter(pattern: string, size: number, text: string): void {
  if (!resetScheduled) {
    resetScheduled = true;
    setImmediate(() => {
      workThisTurn = 0;
      resetScheduled = false;
    });
  }
  workThisTurn += size * text.length;
  if (workThisTurn > PATTERN_WORK_PER_TURN) {
    throw new PatternBudgetError(
      `is ${text.length.toLocaleString('en-US')} characters long, too long to check against the pattern ` +
        `${describeValue(pattern)} (${size} RE2 instructions) together with the rest of this request: wharf matches ` +
        `at most ${PATTERN_WORK_PER_TURN.toLocaleString('en-US')} characters times instructions at once; shorten ` +
        `the value (maxLength) or the pattern`,
    );
  }
}

const compiled = new LruMap<string, Compiled>(CACHED_PATTERNS);

/**
 * Why `pattern` cannot be a user pattern (not ECMAScript, or not runnable on RE2), as a phrase such as
 * `"(?=a)" uses lookahead "(?=", which wharf's linear-time regex engine (RE2) does not run`; undefined when it can.
 */
export function userPatternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u'); // JSON Schema patterns are ECMAScript's; ajv has always read them with the u flag
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
  const result = compile(pattern);
  return 'problem' in result ? result.problem : undefined;
}

/** The RE2 matcher of `pattern`; throws UnsupportedPatternError when it has none (see userPatternProblem). */
export function compileUserPattern(pattern: string): RegExpLike {
  const result = compile(pattern);
  if ('problem' in result) throw new UnsupportedPatternError(result.problem);
  return result.re2;
}

/**
 * ajv's `code.regExp`: every `pattern` keyword is matched by RE2. A pattern RE2 cannot run (only one stored before
 * patterns were checked on write) matches nothing and says why when tested, so the value check can name it.
 */
export const re2RegExpEngine: RegExpEngine = Object.assign(
  (pattern: string): RegExpLike => {
    const result = compile(pattern);
    if (!('problem' in result)) return result.re2;
    const refusing: RegExpLike & { toString(): string } = {
      test: () => {
        throw new UnsupportedPatternError(result.problem);
      },
      // ajv shares compiled patterns by this text.
      toString: () => `unsupported:${pattern}`,
    };
    return refusing;
  },
  // ajv only puts this in standalone code, which wharf does not generate.
  { code: 'wharfRe2RegExp' },
);

function compile(pattern: string): Compiled {
  return compiled.getOrMake(pattern, () => {
    const construct = unsupportedConstruct(pattern);
    if (construct) {
      return {
        problem: `${describeValue(pattern)} uses ${construct.name} "${construct.text}", which ${ENGINE} does not run`,
      };
    }
    let re2: RE2JS;
    try {
      re2 = RE2JS.compile(RE2JS.translateRegExp(pattern));
    } catch (error) {
      if (!(error instanceof RE2JSException)) throw error;
      return { problem: `${describeValue(pattern)} cannot be run by ${ENGINE}: ${describeRe2Error(error)}` };
    }
    const size = re2.programSize();
    if (size > MAX_PATTERN_PROGRAM_SIZE) {
      return {
        problem:
          `${describeValue(pattern)} is too large for ${ENGINE}: it compiles to ${size} instructions, more than ` +
          `${MAX_PATTERN_PROGRAM_SIZE} (bound long repeats with minLength/maxLength instead)`,
      };
    }
    const metered: RegExpLike & { toString(): string } = {
      test: (text: string) => {
        meter(pattern, size, text);
        return re2.test(text);
      },
      toString: () => pattern,
    };
    return { re2: metered };
  });
}

/**
 * The first construct RE2 cannot run, found by one pass over the pattern's text (escapes and character classes
 * skipped). Backreferences are found here rather than by RE2: its translation of `\k<name>` reads it as a literal.
 */
function unsupportedConstruct(pattern: string): { name: string; text: string } | undefined {
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') {
      const next = pattern[index + 1] ?? '';
      if (!inClass && /[1-9]/.test(next))
        return { name: 'a backreference', text: `\\${/^\d+/.exec(pattern.slice(index + 1))![0]}` };
      if (!inClass && next === 'k' && pattern[index + 2] === '<')
        return { name: 'a named backreference', text: '\\k<' };
      index++;
    } else if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(') {
      const found = UNSUPPORTED.find(({ opening }) => pattern.startsWith(opening, index));
      if (found) return { name: found.name, text: found.opening };
    }
  }
  return undefined;
}

function describeRe2Error(error: RE2JSException): string {
  if (error instanceof RE2JSSyntaxException) {
    return error.input ? `${error.error}: ${error.input}` : error.error;
  }
  return error.message;
}
