/**
 * Runs a glob's program over a path the way RE2 runs a regular expression: every place the program can be in is
 * followed at once, one character at a time, so the time is the path's length times the program's size. A
 * backtracking matcher (Node's path.matchesGlob, fs.glob) takes seconds on `*a*a*a*a*b` over 300 characters.
 * glob.ts remembers the steps taken (a lazy DFA) so that matching many paths costs a lookup per character.
 */
import { ANY, ANY_IN_NAME, CHAR, compile, JUMP, MATCH, type Program, SPLIT } from './program.ts';

export const SLASH = 0x2f;
const DOT = 0x2e;

export interface GlobOptions {
  /**
   * Whether wildcards match a name that starts with `.` (`*` matching `.github`, `**` walking into it). The
   * vendor's GitOps does (default); Node's fs.glob and path.matchesGlob do not, and the Action's `entitiesFile`
   * and WHARF_ALLOWED_WORKFLOWS keep their behaviour. A `.` written in the pattern always matches.
   */
  dot?: boolean;
}

/** How a step may move: `globstar` false when the characters name a symbolic link that `**` must not walk into. */
export interface StepRule {
  globstar: boolean;
}

export const FREE: StepRule = { globstar: true };

/** A compiled glob's automaton: the places it is in, moved over text. */
export class Automaton {
  readonly #program: Program;
  readonly #dot: boolean;
  /** The step a place was last added in: each place is followed once per step. */
  readonly #added: Uint32Array;
  #step = 0;
  /** The places the program is in after the characters so far, and the next ones (swapped each character). */
  #current: Int32Array;
  #next: Int32Array;

  constructor(pattern: string, options: GlobOptions = {}) {
    this.#program = compile(pattern);
    this.#dot = options.dot ?? true;
    const size = this.#program.ops.length;
    this.#added = new Uint32Array(size);
    this.#current = new Int32Array(size);
    this.#next = new Int32Array(size);
  }

  /** The places the program is in before any character (for a walk: the repository's root). */
  start(): Int32Array {
    const count = this.#startCount();
    return this.#current.slice(0, count);
  }

  /**
   * The places after `places` and then `text` (`startsName`: its first character starts a file or folder name);
   * empty when no path that goes on from there can match.
   */
  after(places: Int32Array, text: string, rule: StepRule = FREE, startsName = true): Int32Array {
    this.#current.set(places);
    const count = this.#advance(places.length, text, rule, startsName);
    return this.#current.slice(0, count);
  }

  /** Whether a path that reached `places` matches as it is. */
  accepts(places: Int32Array): boolean {
    return places.some((place) => this.#program.ops[place] === MATCH);
  }

  /** A new step: places added before it are not its own (the stamps wrap before Uint32 overflows). */
  #nextStep(): void {
    if (++this.#step === 0xffffffff) {
      this.#added.fill(0);
      this.#step = 1;
    }
  }

  #startCount(): number {
    this.#nextStep();
    return this.#add(this.#current, 0, 0);
  }

  /** Moves the `count` places in #current over `text`; returns how many there are after it (in #current). */
  #advance(count: number, text: string, rule: StepRule, startsName: boolean): number {
    const { ops, args } = this.#program;
    for (let index = 0; index < text.length && count > 0; index++) {
      const code = text.charCodeAt(index);
      const nameStart = index === 0 ? startsName : text.charCodeAt(index - 1) === SLASH;
      const wildcardMay = this.#dot || code !== DOT || !nameStart;
      this.#nextStep();
      let nextCount = 0;
      for (let place = 0; place < count; place++) {
        const at = this.#current[place]!;
        const op = ops[at];
        const moves =
          op === CHAR
            ? code === args[at]
            : op === ANY_IN_NAME
              ? code !== SLASH && wildcardMay
              : op === ANY && wildcardMay && rule.globstar;
        if (moves) nextCount = this.#add(this.#next, nextCount, at + 1);
      }
      [this.#current, this.#next] = [this.#next, this.#current];
      count = nextCount;
    }
    return count;
  }

  /** Adds the place `at` to `list` (holding `count`), following jumps and splits; returns the new count. */
  #add(list: Int32Array, count: number, at: number): number {
    const { ops, args, alts } = this.#program;
    const pending = [at];
    while (pending.length > 0) {
      const place = pending.pop()!;
      if (this.#added[place] === this.#step) continue;
      this.#added[place] = this.#step;
      const op = ops[place];
      if (op === JUMP) pending.push(args[place]!);
      else if (op === SPLIT) pending.push(alts[place]!, args[place]!);
      else list[count++] = place;
    }
    return count;
  }
}
