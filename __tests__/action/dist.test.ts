/**
 * `npm test` fails while dist/ (what action.yml runs) is not the bundle of the source: the tests run the source, so a
 * stale bundle would otherwise pass them. The bundle is built again, with the flags `npm run build` uses, into a
 * temporary folder and compared byte for byte; ncc's output depends only on the source and the lockfile.
 */
import { afterAll, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FOLDER, buildActionBundle, REPOSITORY_ROOT } from '../../scripts/action/index.ts';

const fresh = mkdtempSync(join(tmpdir(), 'wharf-bundle-'));
afterAll(() => rmSync(fresh, { recursive: true, force: true }));

test('dist/ is the bundle of the source', async () => {
  await buildActionBundle(fresh);
  const committed = join(REPOSITORY_ROOT, BUNDLE_FOLDER);
  const files = readdirSync(fresh).sort();
  expect(files).toContain('index.js');
  const differing = files.filter((file) => {
    const built = readFileSync(join(fresh, file));
    try {
      return !built.equals(readFileSync(join(committed, file)));
    } catch {
      return true; // not in dist/ at all
    }
  });
  if (differing.length > 0) {
    throw new Error(
      `dist/ is not the bundle of the source (${differing.map((file) => `dist/${file}`).join(', ')} differ): ` +
        "run 'npm run build' and commit dist/",
    );
  }
}, 180_000);
