/**
 * wharf's one glob engine: GitOps `specPath`, the `file` and `folder` kinds' paths, the Action's `entitiesFile`
 * and WHARF_ALLOWED_WORKFLOWS. `*` and `?` stay within a folder, `**` spans folders (`**\/port.yml` also matches
 * `port.yml`), `{a,b}` is either. Matching is linear in the path (matcher.ts): a pushed pattern cannot make it
 * backtrack, and a pattern over 256 characters is refused with a GlobPatternError that names it.
 */
import { LruMap } from '../lru/index.ts';
import { Glob } from './glob.ts';
import type { GlobOptions } from './matcher.ts';

export { Glob } from './glob.ts';
export type { GlobOptions } from './matcher.ts';
export { GlobPatternError, globPatternProblem, isGlob, MAX_GLOB_LENGTH, spansFolders } from './program.ts';
export { globPaths } from './walk.ts';

/**
 * Patterns come from each repository's configuration: the recent ones stay compiled (with and without dot-names).
 * Made on first use, so that a bundle that never calls matchesAnyGlob (the Action's) can leave it all out.
 */
let compiled: { dot: LruMap<string, Glob>; noDot: LruMap<string, Glob> } | undefined;

/** Whether `path` matches any of the patterns (each compiled once while recently used). */
export function matchesAnyGlob(path: string, patterns: readonly string[], options: GlobOptions = {}): boolean {
  const dot = options.dot ?? true;
  compiled ??= { dot: new LruMap(200), noDot: new LruMap(200) };
  const cache = dot ? compiled.dot : compiled.noDot;
  return patterns.some((pattern) => cache.getOrMake(pattern, () => new Glob(pattern, { dot })).matches(path));
}
