/**
 * `specPath`: the glob patterns of GitOps files in a repository (default `**\/port.yml`), matched by wharf's one
 * glob engine (src/glob: `*` and `?` stay within a folder, `**` spans folders, `{a,b}` is either; dot-folders
 * match too, as in the vendor's GitOps).
 */

import { isGlob, matchesAnyGlob } from '../../../src/glob/index.ts';

export function matchesSpecPath(path: string, patterns: readonly string[]): boolean {
  return matchesAnyGlob(path, patterns);
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
    if (!isGlob(rest)) paths.add(rest);
  }
  return [...paths];
}

/**
 * Whether the patterns can match files that rootSpecPaths does not name (any wildcard: `**\/port.yml` matches at
 * every depth), so that a resync must list the repository's tree to find them.
 */
export function needsTreeWalk(patterns: readonly string[]): boolean {
  return patterns.some(isGlob);
}
