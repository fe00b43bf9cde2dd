/**
 * `specPath`: the glob patterns of GitOps files in a repository (default `**\/port.yml`). `*` and `?` stay within
 * a folder, `**` spans folders (`**\/x` also matches `x` at the root), `{a,b}` is either; dot-folders match too.
 */

import { RE2JS } from 're2js';
import { LruMap } from '../../../src/lru/index.ts';

/** Patterns come from each repository's configuration: remember the recent ones only. */
const cache = new LruMap<string, RE2JS>(1000);

function escape(text: string): string {
  return text.replace(/[.+*?^$(){}|[\]\\]/g, '\\$&');
}

/**
 * The glob as a matcher. It runs on RE2 (linear in the path's length): as a backtracking RegExp, a pushed
 * `specPath` such as `*a*a*a*a*a*b` would take exponential time over a long file name.
 */
function globMatcher(pattern: string): RE2JS {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let source = '';
  const text = pattern.replace(/^\.\//, '');
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '*') {
      if (text[index + 1] === '*') {
        index++;
        if (text[index + 1] === '/') {
          index++;
          source += '(?:.*/)?';
        } else {
          source += '.*';
        }
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '{') {
      const end = text.indexOf('}', index);
      if (end === -1) {
        source += '\\{';
        continue;
      }
      source += `(?:${text
        .slice(index + 1, end)
        .split(',')
        .map(escape)
        .join('|')})`;
      index = end;
    } else {
      source += escape(char);
    }
  }
  const regExp = RE2JS.compile(`^${source}$`);
  cache.set(pattern, regExp);
  return regExp;
}

export function matchesSpecPath(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => globMatcher(pattern).test(path));
}

/**
 * The files at the root of a repository that the patterns name without a folder walk: `port.yml` for
 * `**\/port.yml`, the path itself for a pattern without wildcards. A resync reads these with each page, and finds
 * the others by listing each repository's tree (needsTreeWalk).
 */
export function rootSpecPaths(patterns: readonly string[]): string[] {
  const paths = new Set<string>();
  for (const pattern of patterns) {
    const text = pattern.replace(/^\.\//, '');
    const rest = text.startsWith('**/') ? text.slice(3) : text;
    if (!/[*?{]/.test(rest)) paths.add(rest);
  }
  return [...paths];
}

/**
 * Whether the patterns can match files that rootSpecPaths does not name (any wildcard: `**\/port.yml` matches at
 * every depth), so that a resync must list the repository's tree to find them.
 */
export function needsTreeWalk(patterns: readonly string[]): boolean {
  return patterns.some((pattern) => /[*?{]/.test(pattern));
}
