/**
 * A glob compiled to a small automaton program (Thompson's construction), run by matcher.ts. Syntax: `*` and `?`
 * stay within a folder, `**` spans folders (`**\/` also matches no folder at all), `{a,b}` is either (nested, and
 * with wildcards inside); every other character, `[` and `\` too, stands for itself. A leading `./` is dropped.
 */

/** One character equal to `arg`. */
export const CHAR = 0;
/** One character other than `/` (`?`, and the loop of `*`). */
export const ANY_IN_NAME = 1;
/** One character, `/` too (the loop of `**`). */
export const ANY = 2;
/** Go on at `arg` and at `alt` both. */
export const SPLIT = 3;
/** Go on at `arg`. */
export const JUMP = 4;
/** The whole path matched. */
export const MATCH = 5;

export interface Program {
  readonly ops: Uint8Array;
  readonly args: Int32Array;
  readonly alts: Int32Array;
}

/**
 * A pattern is at most this long. Matching time is the path's length times the program's size (never
 * exponential), and patterns come from pushed files: the bound keeps one match under a millisecond or so.
 */
export const MAX_GLOB_LENGTH = 256;
/** Braces nest at most this deep (the parser recurses once per level). */
export const MAX_BRACE_DEPTH = 10;

/** A pattern the engine refuses; its message names the pattern and says why. */
export class GlobPatternError extends Error {
  override readonly name = 'GlobPatternError';
  readonly pattern: string;
  constructor(pattern: string, reason: string) {
    super(`glob ${JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern)} ${reason}`);
    this.pattern = pattern;
  }
}

/** Why `pattern` is refused, as a phrase such as `is longer than 256 characters`; undefined when it is not. */
export function globPatternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_GLOB_LENGTH) return `is longer than ${MAX_GLOB_LENGTH} characters`;
  let depth = 0;
  for (const char of pattern) {
    if (char === '{' && ++depth > MAX_BRACE_DEPTH) return `nests braces deeper than ${MAX_BRACE_DEPTH}`;
    if (char === '}' && depth > 0) depth--;
  }
  return undefined;
}

/** Whether the pattern has wildcards: without, it names one path and matches only that. */
export function isGlob(pattern: string): boolean {
  return /[*?{]/.test(pattern);
}

/** Whether the pattern can match below the top level: it names a folder (`/`) or spans them (`**`). */
export function spansFolders(pattern: string): boolean {
  return /\/|\*\*/.test(pattern);
}

/** Where each `{` at `start` or after closes (its `}`), or -1 for one left open: that one is literal. */
function braceEnds(text: string): Int32Array {
  const ends = new Int32Array(text.length).fill(-1);
  const open: number[] = [];
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '{') open.push(index);
    else if (text[index] === '}' && open.length > 0) ends[open.pop()!] = index;
  }
  return ends;
}

class Builder {
  readonly ops: number[] = [];
  readonly args: number[] = [];
  readonly alts: number[] = [];

  emit(op: number, arg = 0, alt = 0): number {
    this.ops.push(op);
    this.args.push(arg);
    this.alts.push(alt);
    return this.ops.length - 1;
  }

  /** `body` zero or more times: split (into the body, or past it); body; jump back to the split. */
  loop(body: () => void): void {
    const split = this.emit(SPLIT);
    this.args[split] = split + 1;
    body();
    this.emit(JUMP, split);
    this.alts[split] = this.ops.length;
  }
}

/** The program of `pattern`; a GlobPatternError when it is refused (globPatternProblem). */
export function compile(pattern: string): Program {
  const problem = globPatternProblem(pattern);
  if (problem !== undefined) throw new GlobPatternError(pattern, problem);
  const text = pattern.replace(/^\.\//, '');
  const ends = braceEnds(text);
  const out = new Builder();

  /** Emits text[from, to) at the top level, or one alternative inside braces; returns where it stopped. */
  const sequence = (from: number, to: number, inBraces: boolean): number => {
    let index = from;
    while (index < to) {
      const char = text[index]!;
      if (inBraces && char === ',') return index;
      if (char === '*' && text[index + 1] === '*') {
        const folders = text[index + 2] === '/';
        if (folders) {
          // `**/`: nothing, or anything that ends with a `/`.
          const skip = out.emit(SPLIT);
          out.args[skip] = skip + 1;
          out.loop(() => out.emit(ANY));
          out.emit(CHAR, 0x2f);
          out.alts[skip] = out.ops.length;
        } else {
          out.loop(() => out.emit(ANY));
        }
        index += folders ? 3 : 2;
      } else if (char === '*') {
        out.loop(() => out.emit(ANY_IN_NAME));
        index++;
      } else if (char === '?') {
        out.emit(ANY_IN_NAME);
        index++;
      } else if (char === '{' && ends[index]! !== -1) {
        alternatives(index + 1, ends[index]!);
        index = ends[index]! + 1;
      } else {
        out.emit(CHAR, char.charCodeAt(0));
        index++;
      }
    }
    return index;
  };

  /** `{a,b,c}` between from and `close`: split to each alternative, each jumps past the last. */
  const alternatives = (from: number, close: number): void => {
    const jumps: number[] = [];
    let start = from;
    for (;;) {
      const split = out.emit(SPLIT);
      out.args[split] = split + 1;
      const stop = sequence(start, close, true);
      if (stop >= close) {
        // The last alternative: its split has nothing else to try.
        out.ops[split] = JUMP;
        break;
      }
      jumps.push(out.emit(JUMP));
      out.alts[split] = out.ops.length;
      start = stop + 1;
    }
    for (const jump of jumps) out.args[jump] = out.ops.length;
  };

  sequence(0, text.length, false);
  out.emit(MATCH);
  return { ops: Uint8Array.from(out.ops), args: Int32Array.from(out.args), alts: Int32Array.from(out.alts) };
}
