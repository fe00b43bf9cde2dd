import { Automaton, FREE, type GlobOptions, SLASH } from './matcher.ts';

/**
 * States remembered per glob: plenty for ordinary patterns over the paths of large repositories. A pattern whose
 * states keep multiplying past it has each path's rest run on the automaton (still linear), so that its memory
 * stays bounded (a state's row of steps is 512 bytes: 128 KiB a glob at most).
 */
const MAX_STATES = 256;
/** Characters below this have their steps in the table; others in a Map. */
const ROW = 128;
const UNKNOWN = -1;

interface State {
  places: Int32Array;
  /** Whether the next character starts a name (the start, or after `/`): wildcards may not take a `.` there. */
  startsName: boolean;
}

/**
 * A compiled glob. Matching runs its automaton and remembers each step (state, character) -> state, so that a
 * tree of many paths costs a table lookup per character after the first few paths: a lazy DFA, as RE2 keeps one.
 */
export class Glob {
  readonly pattern: string;
  readonly #automaton: Automaton;
  readonly #states: State[] = [];
  readonly #ids = new Map<string, number>();
  /** The state after (state, ASCII character) at state * ROW + character; UNKNOWN until taken once. */
  #steps = new Int32Array(ROW * 8).fill(UNKNOWN);
  /** The steps over other characters, by state * 0x10000 + character. */
  readonly #otherSteps = new Map<number, number>();
  #accepting = new Uint8Array(8);
  /** The state with no places left: no path that goes on from it matches. */
  #dead = UNKNOWN;

  constructor(pattern: string, options: GlobOptions = {}) {
    this.pattern = pattern;
    this.#automaton = new Automaton(pattern, options);
    this.#state(this.#automaton.start(), true);
  }

  /** Whether the whole path (folders separated by `/`, no leading `./`) matches. */
  matches(path: string): boolean {
    let state = 0;
    for (let index = 0; index < path.length; index++) {
      const code = path.charCodeAt(index);
      let next =
        code < ROW ? this.#steps[state * ROW + code]! : (this.#otherSteps.get(state * 0x10000 + code) ?? UNKNOWN);
      if (next === UNKNOWN) {
        const from = this.#states[state]!;
        const places = this.#automaton.after(from.places, path.charAt(index), FREE, from.startsName);
        const startsName = code === SLASH;
        if (this.#states.length >= MAX_STATES && !this.#ids.has(this.#key(places, startsName))) {
          const rest = this.#automaton.after(places, path.slice(index + 1), FREE, startsName);
          return this.#automaton.accepts(rest);
        }
        next = this.#state(places, startsName);
        if (code < ROW) this.#steps[state * ROW + code] = next;
        else this.#otherSteps.set(state * 0x10000 + code, next);
      }
      if (next === this.#dead) return false;
      state = next;
    }
    return this.#accepting[state] === 1;
  }

  #key(places: Int32Array, startsName: boolean): string {
    return `${startsName ? 1 : 0}${places.sort().join(',')}`;
  }

  /** The id of the state of these places, added when new (the tables grow by doubling). */
  #state(places: Int32Array, startsName: boolean): number {
    const key = this.#key(places, startsName);
    const known = this.#ids.get(key);
    if (known !== undefined) return known;
    const id = this.#states.push({ places, startsName }) - 1;
    this.#ids.set(key, id);
    if (id >= this.#accepting.length) {
      const steps = new Int32Array(this.#steps.length * 2).fill(UNKNOWN);
      steps.set(this.#steps);
      this.#steps = steps;
      const accepting = new Uint8Array(this.#accepting.length * 2);
      accepting.set(this.#accepting);
      this.#accepting = accepting;
    }
    this.#accepting[id] = this.#automaton.accepts(places) ? 1 : 0;
    if (places.length === 0) this.#dead = id;
    return id;
  }
}
