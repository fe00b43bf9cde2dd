import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPOSITORY_ROOT } from './paths.ts';

/** Where action.yml runs the Action from (`runs.main`), with the licences of what it bundles. */
export const BUNDLE_FOLDER = 'dist';

const NCC_CLI = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');

/**
 * Bundles src/action into `outFolder` (index.js, licenses.txt, package.json): one file, as action.yml runs it. ncc
 * runs in src/action, whose tsconfig.json maps the stubbed packages; its output is the same byte for byte for the
 * same source, wherever the checkout is, which is what lets a test compare the committed bundle with a fresh one.
 */
export async function buildActionBundle(outFolder: string): Promise<void> {
  const args = ['build', 'index.ts', '--out', resolve(outFolder), '--minify', '--no-cache', '--target', 'es2022'];
  await promisify(execFile)(process.execPath, [NCC_CLI, ...args, '--license', 'licenses.txt', '--quiet'], {
    cwd: join(REPOSITORY_ROOT, 'src/action'),
  });
}
