/** Where a path of keys and indexes sits in a parsed YAML document, as 1-based line and column. */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

type Target = 'value' | 'key';

/**
 * The position of `path` in `doc`: of its value, or with target "key" of the key naming it. A path that runs out
 * (a missing key, say) answers the deepest node that exists, so "identifier: required" points at the mapping that
 * lacks it.
 */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
  target: Target = 'value',
): Position {
  let node: unknown = doc.contents;
  let best: number | undefined = start(node);
  for (const [index, segment] of path.entries()) {
    node = resolve(doc, node);
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const keyStart = start(pair.key);
      const valueStart = isEmpty(pair.value) ? undefined : start(pair.value);
      best = (last && target === 'key' ? keyStart : (valueStart ?? keyStart)) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      best = start(item) ?? best;
      node = item;
    } else {
      break;
    }
  }
  const { line, col } = lines.linePos(best ?? 0);
  return { line, column: col };
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function start(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** `key:` with nothing after it parses as an empty null scalar; point at the key then. */
function isEmpty(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  return isScalar(node) && node.value === null && (!node.range || node.range[0] === node.range[1]);
}
