/**
 * The paths under a folder that a glob matches, read from the file system (the Action's `entitiesFile`), walked
 * with the one matcher: a folder is read only when some path below it can still match. As with fs.glob, `**` does
 * not walk into a symbolic link to a folder (a link may loop, or lead to `/`); a name or `*` may, and below a link
 * `**` walks no further folders, so the walk stays as deep as the pattern.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Automaton, type GlobOptions, type StepRule } from './matcher.ts';

const NO_GLOBSTAR: StepRule = { globstar: false };

/** Every file, folder and link under `root` whose path (relative, `/`-separated) matches; sorted. */
export async function globPaths(root: string, pattern: string, options: GlobOptions = {}): Promise<string[]> {
  const automaton = new Automaton(pattern, options);
  const found: string[] = [];
  const visit = async (folder: string, prefix: string, places: Int32Array, throughLink: boolean) => {
    // An unreadable folder holds nothing to match, as for fs.glob.
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = `${prefix}${entry.name}`;
      if (automaton.accepts(automaton.after(places, entry.name))) found.push(path);
      const link = entry.isSymbolicLink();
      const isFolder =
        entry.isDirectory() || (link && (await stat(join(folder, entry.name)).catch(() => undefined))?.isDirectory());
      if (!isFolder) continue;
      const below = automaton.after(places, `${entry.name}/`, link || throughLink ? NO_GLOBSTAR : undefined);
      if (below.length > 0) await visit(join(folder, entry.name), `${path}/`, below, link || throughLink);
    }
  };
  await visit(root, '', automaton.start(), false);
  return found.sort();
}
