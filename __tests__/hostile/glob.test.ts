/**
 * Globs and paths from outside: a `specPath` or a kind's `path` pushed in port-app-config.yml, a tree's file
 * names, a workflow name in a dispatch, a pattern in `entitiesFile`. wharf's one glob engine (src/glob) follows
 * every place at once (linear in the path); Node's path.matchesGlob backtracks, and took 2 s for `*a` x 12 over 30
 * characters and 8 s for `*a` x 4 over 300 (Node 24.21) before WHARF_ALLOWED_WORKFLOWS and the Action left it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWorkflowAllowed, parseAllowedWorkflows } from '../../app/dispatch/allowed-workflows.ts';
import { matchesSpecPath } from '../../app/sync/gitops/spec-paths.ts';
import { ConfigError, parsePortAppConfig } from '../../app/sync/mapping/index.ts';
import { Glob, globPaths } from '../../src/glob/index.ts';

/** The result of `run` and how long it took. */
function timed<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}

/** Globs that a backtracking matcher takes exponential (or high polynomial) time on, with a path to try. */
const HOSTILE: Array<[string, string, string]> = [
  ['`*a` x 12 then `*b`, over 5000 a', `${'*a'.repeat(12)}*b`, 'a'.repeat(5000)],
  ['`*a` x 127 then `*b` (the longest pattern taken), over 5000 a', `${'*a'.repeat(127)}*b`, 'a'.repeat(5000)],
  ['`**/` x 20, over 2000 folders', `${'**/'.repeat(20)}port.yml`, `${'d/'.repeat(2000)}x.yml`],
  ['`**/a/` x 50, over 2000 folders a', `${'**/a/'.repeat(50)}b`, `${'a/'.repeat(2000)}x`],
  ['`{a,*}` x 50, over 2000 a', `${'{a,*}'.repeat(50)}b`, 'a'.repeat(2000)],
];

describe('a hostile glob is matched in bounded time', () => {
  test.each(HOSTILE)('%s: no match, within 1 s', (_, pattern, path) => {
    const { result, ms } = timed(() => matchesSpecPath(path, [pattern]));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(1000);
  });

  test('the same globs still match what they should', () => {
    expect(matchesSpecPath(`${'a'.repeat(40)}b`, [`${'*a'.repeat(12)}*b`])).toBe(true);
    expect(matchesSpecPath(`${'d/'.repeat(30)}port.yml`, [`${'**/'.repeat(20)}port.yml`])).toBe(true);
    // Was: wildcards inside braces were literal under the RE2 translation (`{x*.yml,y}` did not match `xy.yml`);
    // the one engine reads them as fs.glob and path.matchesGlob do, in linear time all the same.
    expect(matchesSpecPath('xy.yml', ['{x*.yml,y}'])).toBe(true);
  });

  test('a tree of 20,000 long paths against the longest hostile glob: within 2 s', () => {
    const glob = new Glob(`${'*a'.repeat(127)}*b`);
    const paths = Array.from({ length: 20_000 }, (_, index) => `${'a'.repeat(200)}/${'a'.repeat(50)}${index}`);
    const { result, ms } = timed(() => paths.filter((path) => glob.matches(path)));
    expect(result).toEqual([]);
    expect(ms).toBeLessThan(2000);
  });

  test('a workflow name in a dispatch against WHARF_ALLOWED_WORKFLOWS', () => {
    const patterns = parseAllowedWorkflows(`acme/*/${'*a'.repeat(12)}*b.yml`);
    const { result, ms } = timed(() => isWorkflowAllowed(patterns, 'acme', 'repo', `${'a'.repeat(300)}.yml`));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(1000);
  });
});

describe('a glob too long is refused with an error naming it', () => {
  const long = `${'*a'.repeat(200)}*b`;

  test('in port-app-config.yml: specPath and a file pattern, at their paths in the file', async () => {
    const text = [
      `specPath: "${long}"`,
      'resources:',
      '  - kind: file',
      '    selector:',
      '      query: "true"',
      '      files:',
      `        - path: "${long}"`,
      '    port:',
      '      entity:',
      '        mappings:',
      '          identifier: .file.path',
      `          blueprint: '"file"'`,
    ].join('\n');
    const error = await parsePortAppConfig(text, 'acme/repo:port-app-config.yml').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => `${problem.field}: ${problem.reason}`)).toEqual([
      'specPath[0]: is longer than 256 characters',
      'resources[0].selector.files[0].path: is longer than 256 characters',
    ]);
  });

  test('in WHARF_ALLOWED_WORKFLOWS: the server does not start', () => {
    expect(() => parseAllowedWorkflows(`acme/repo/x.yml,${long}`)).toThrow(
      /^WHARF_ALLOWED_WORKFLOWS: "\*a\*a.*\*b" is longer than 256 characters$/,
    );
  });
});

describe("the Action's entitiesFile walk", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wharf-hostile-glob-'));
    const deep = join(root, ...Array<string>(40).fill('a'));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, `${'a'.repeat(200)}.yml`), '');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('a hostile glob over deep folders and a long file name: within 1 s', async () => {
    const started = performance.now();
    expect(await globPaths(root, `**/${'*a'.repeat(12)}*b.yml`, { dot: false })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
