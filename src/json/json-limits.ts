/**
 * What a parsed JSON value may hold before the rest of wharf sees it. JSON.parse accepts three things that wharf
 * cannot keep faithfully: nesting so deep that recursive code (validation, JSON.stringify, structuredClone)
 * overflows the stack, numbers beyond a double's range (read as Infinity, written back as null), and the key
 * `__proto__` (an assignment or a copy turns it into the object's prototype, so the key silently vanishes).
 */

/** Containers inside containers: the body itself is level 1. Enough for any catalog data, far from the stack. */
export const MAX_JSON_DEPTH = 64;

/** Keys that name a member every JavaScript object already has, rather than data. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Why `key` cannot name a property, relation or input, or undefined when it can. */
export function reservedKeyProblem(key: string): string | undefined {
  return RESERVED_KEYS.has(key)
    ? `"${key}" is reserved: every JavaScript object already has a member of that name`
    : undefined;
}

export interface JsonValueProblem {
  /** Where, from `root`: `body.properties.config`, abbreviated in the middle when very deep. */
  path: string;
  problem: string;
}

interface Frame {
  value: object;
  key: string | number | undefined;
  parent: Frame | undefined;
  depth: number;
}

/**
 * The first thing in `value` that wharf refuses (see above), named by its path under `root`, or undefined.
 * The walk is iterative, so the value it checks cannot overflow the stack. `opaque` is a container whose own
 * items are left unchecked (its depth still counts): a bulk body's entities, each checked on its own so that
 * one bad entity fails alone.
 */
export function jsonValueProblem(value: unknown, root: string, opaque?: object): JsonValueProblem | undefined {
  if (value === null || typeof value !== 'object') {
    const problem = typeof value === 'number' ? numberProblem(value) : undefined;
    return problem ? { path: root, problem } : undefined;
  }
  const stack: Frame[] = [{ value, key: undefined, parent: undefined, depth: 1 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > MAX_JSON_DEPTH) {
      return {
        path: pathOf(root, frame),
        problem: `JSON is nested more than ${MAX_JSON_DEPTH} levels deep here (the limit is ${MAX_JSON_DEPTH})`,
      };
    }
    if (frame.value === opaque) continue;
    const entries: [string | number, unknown][] = Array.isArray(frame.value)
      ? frame.value.map((item, index) => [index, item])
      : Object.entries(frame.value);
    // Pushed last to first, so the first problem in document order is the one reported.
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, item] = entries[index]!;
      if (key === '__proto__') {
        return {
          path: pathOf(root, frame, key),
          problem: 'the key "__proto__" is not accepted: JavaScript would read it as the object\'s prototype',
        };
      }
      const problem = typeof item === 'number' ? numberProblem(item) : undefined;
      if (problem) return { path: pathOf(root, frame, key), problem };
      if (item !== null && typeof item === 'object') {
        stack.push({ value: item, key, parent: frame, depth: frame.depth + 1 });
      }
    }
  }
  return undefined;
}

function numberProblem(value: number): string | undefined {
  return Number.isFinite(value)
    ? undefined
    : `is a number too large to store: it is beyond ±${Number.MAX_VALUE} (the range of a 64-bit float)`;
}

const SEGMENTS_SHOWN_FIRST = 6;
const SEGMENTS_SHOWN_LAST = 2;

/** `root.a.b[2]`, or `root.a.b.c.d.e.f...y.z (70 levels)` when the path is too long to read. */
function pathOf(root: string, frame: Frame, lastKey?: string | number): string {
  const keys: (string | number)[] = lastKey === undefined ? [] : [lastKey];
  for (let current: Frame | undefined = frame; current?.key !== undefined; current = current.parent) {
    keys.push(current.key);
  }
  keys.reverse();
  const segments = keys.map(formatSegment);
  if (segments.length <= SEGMENTS_SHOWN_FIRST + SEGMENTS_SHOWN_LAST + 1) return root + segments.join('');
  const first = segments.slice(0, SEGMENTS_SHOWN_FIRST).join('');
  const last = segments.slice(-SEGMENTS_SHOWN_LAST).join('');
  // `a.b...y.z`: the dot that would open the last segments is the ellipsis's.
  return `${root}${first}...${last.replace(/^\./, '')} (${segments.length} levels)`;
}

function formatSegment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return /^[A-Za-z_$@][\w$@=-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
