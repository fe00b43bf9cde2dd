import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { describeBytes } from '../port/answer-body.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** True when `path` is `root` or below it, comparing the paths as written. */
export function isInside(root: string, path: string): boolean {
  const inside = relative(root, path);
  return !inside.startsWith('..') && !isAbsolute(inside);
}

/** The workspace's own real path, so that paths resolved through symbolic links compare against it. */
export async function realRoot(workspace: string): Promise<string> {
  return realpath(workspace).catch(() => workspace);
}

/**
 * The real path of a file named inside the repository, refused when a symbolic link (the file itself or a folder on
 * the way) leads outside it: a repository's contents are the workflow's to read, nothing else on the runner is.
 */
export async function realPathInside(root: string, path: string): Promise<Checked<string>> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    return { ok: false, problem: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  if (!isInside(root, real)) return { ok: false, problem: 'leads outside the repository through a symbolic link' };
  return { ok: true, value: real };
}

/** A file's text, refused without reading it when it holds more than `maxBytes` (`what` names the limit's use). */
export async function readBoundedFile(path: string, maxBytes: number, what: string): Promise<Checked<string>> {
  try {
    const { size } = await stat(path);
    if (size > maxBytes) {
      return { ok: false, problem: `is larger than ${describeBytes(maxBytes)}, the limit for ${what}` };
    }
    return { ok: true, value: await readFile(path, 'utf8') };
  } catch (error) {
    return { ok: false, problem: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}
