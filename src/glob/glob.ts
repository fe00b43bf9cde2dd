import { Automaton, FREE, type GlobOptions, SLASH } from './matcher.ts';

/**
 * States remembered per glob: plenty for ordinary patterns over the paths of large repositories. A pattern whose
 * states keep multiplying past it has each path's rest run on the automaton (still linear), so that its memory
 * stays bounded (a state's steps table is 512 bytes: 128 KiB a glob at most).
 */
const MAX_STATES = 256;
/** Characters below this have their steps in a table; others in a Map. */
const TABLE_SIZE = 128;
const UNKNOWN = -1;

interface State {
  places: Int32Array;
  accepting: boolean;
  /** Whether the next character starts a name (the start, or after `/`): wildcards may not take a `.` there. */
  startsName: boolean;
  /** The state after each ASCII character; UNKNOWN until taken once. */
  table: Int32Array;
  other: Map<number, number>;
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

  constructor(pattern: string, options: GlobOptions = {}) {
    this.pattern = pattern;
    this.#automaton = new Automaton(pattern, options);
    this.#state(this.#automaton.start(), true);
  }

  /** Whether the whole path (folders separated by `/`, no leading `./`) matches. */
  matches(path: string): boolean {
    let state = this.#states[0]!;
    for (let index = 0; index < path.length; index++) {
      const code = path.charCodeAt(index);
      let next = code < TABLE_SIZE ? state.table[code]! : (state.other.get(code) ?? UNKNOWN);
      if (next === UNKNOWN) {
        const places = this.#automaton.after(state.places, path.charAt(index), FREE, state.startsName);
        if (this.#states.length >= MAX_STATES && !this.#ids.has(this.#key(places, code === SLASH))) {
          const rest = this.#automaton.after(places, path.slice(index + 1), FREE, code === SLASH);
          return this.#automaton.accepts(rest);
        }
        next = this.#state(places, code === SLASH);
        if (code < TABLE_SIZE) state.table[code] = next;
        else state.other.set(code, next);
      }
      state = this.#states[next]!;
      if (state.places.length === 0) return false;
    }
    return state.accepting;
  }

  #key(places: Int32Array, startsName: boolean): string {
    return `${startsName ? 1 : 0}${places.sort().join(',')}`;
  }

  /** The id of the state of these places, added when new. */
  #state(places: Int32Array, startsName: boolean): number {
    const key = this.#key(places, startsName);
    let id = this.#ids.get(key);
    if (id === undefined) {
      const table = new Int32Array(TABLE_SIZE).fill(UNKNOWN);
      const accepting = this.#automaton.accepts(places);
      id = this.#states.push({ places, accepting, startsName, table, other: new Map() }) - 1;
      this.#ids.set(key, id);
    }
    return id;
  }
}
