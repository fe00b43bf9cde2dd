/**
 * wharf's one glob engine (src/glob), as every caller sees it: GitOps specPath, the file and folder kinds' paths,
 * the Action's entitiesFile and WHARF_ALLOWED_WORKFLOWS. The vendor's GitHub integration documents `**\/port.yml`
 * (at any depth, the root too), `apps/*` (one folder level) and `**\/package.json`; the rest follows fs.glob.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Glob, globPaths, globPatternProblem, isGlob, MAX_GLOB_LENGTH, spansFolders } from '../../src/glob/index.ts';

/** [pattern, path, matches with dot-names (the App's default), matches without (entitiesFile, allowed workflows)]. */
const TABLE: Array<[string, string, boolean, boolean]> = [
  // `**/` spans folders, none included; a `.` folder is a folder like any other unless the caller leaves them out.
  ['**/port.yml', 'port.yml', true, true],
  ['**/port.yml', 'services/billing/port.yml', true, true],
  ['**/port.yml', '.github/port.yml', true, false],
  ['**/port.yml', 'port.yaml', false, false],
  ['**/port.yml', 'services/port.yml.bak', false, false],
  ['**/port.yml', 'services/xport.yml', false, false],
  ['services/**/port.yml', 'services/port.yml', true, true],
  ['services/**/port.yml', 'services/a/b/port.yml', true, true],
  ['services/**/port.yml', 'other/services/port.yml', false, false],
  // `**` not followed by `/` is anything, `/` too.
  ['a/**', 'a/b/c', true, true],
  ['a/**', 'a', false, false],
  ['**', 'a/b/c', true, true],
  ['a**b', 'a/c/b', true, true],
  // `*` and `?` stay within a folder.
  ['apps/*', 'apps/billing', true, true],
  ['apps/*', 'apps/billing/src', false, false],
  ['envs/*.yml', 'envs/prod.yml', true, true],
  ['envs/*.yml', 'envs/eu/prod.yml', false, false],
  ['*', '.github', true, false],
  ['x.*', 'x.yml', true, true],
  ['port.y?ml', 'port.yaml', true, true],
  ['port.y?ml', 'port.yml', false, false],
  ['a?b', 'a/b', false, false],
  // `{a,b}` is either; alternatives may hold wildcards and braces; an unclosed `{` is literal.
  ['port.{yml,yaml}', 'port.yaml', true, true],
  ['port.{yml,yaml}', 'port.json', false, false],
  ['{x*.yml,y}', 'xy.yml', true, true],
  ['{a,{b,c}}d', 'cd', true, true],
  ['{apps,libs}/*/port.yml', 'libs/ui/port.yml', true, true],
  ['a{b', 'a{b', true, true],
  // Other characters stand for themselves, `[` and `\` too; a leading `./` is dropped; case counts.
  ['a[b]', 'a[b]', true, true],
  ['a[b]', 'ab', false, false],
  ['./a/port.yml', 'a/port.yml', true, true],
  ['Port.yml', 'port.yml', false, false],
  ['.github/workflows/*.yml', '.github/workflows/ci.yml', true, true],
  // Characters beyond ASCII are characters like the others (their steps are remembered apart).
  ['docs/*/ü?.md', 'docs/café/üb.md', true, true],
  ['docs/*/ü?.md', 'docs/café/ü.md', false, false],
];

describe('what a glob matches', () => {
  test.each(TABLE)('%j over %j: %s with dot-names, %s without', (pattern, path, withDot, withoutDot) => {
    expect(new Glob(pattern).matches(path)).toBe(withDot);
    expect(new Glob(pattern, { dot: false }).matches(path)).toBe(withoutDot);
  });

  test('a glob matching many paths answers as it did for the first (its remembered steps agree)', () => {
    const glob = new Glob('{apps,libs}/**/*.{yml,yaml}');
    const paths = TABLE.map(([, path]) => path).concat(['apps/a/b.yaml', 'libs/c.yml', 'apps/.x/y.yml']);
    const first = paths.map((path) => new Glob(glob.pattern).matches(path));
    for (let round = 0; round < 3; round++) expect(paths.map((path) => glob.matches(path))).toEqual(first);
    expect(paths.filter((_, index) => first[index])).toEqual([
      'libs/ui/port.yml',
      'apps/a/b.yaml',
      'libs/c.yml',
      'apps/.x/y.yml',
    ]);
  });

  test('a glob whose states outgrow what is remembered still answers right (the rest of the path runs unremembered)', () => {
    // `*a` then 12 characters: which of the last 13 characters are `a` is a state of its own, thousands of them.
    const glob = new Glob(`*a${'?'.repeat(12)}`);
    let seed = 7;
    const paths = Array.from({ length: 600 }, () =>
      Array.from({ length: 40 }, () => ((seed = (seed * 48271) % 2147483647) % 2 === 0 ? 'a' : 'b')).join(''),
    );
    for (let round = 0; round < 2; round++) {
      expect(paths.map((path) => glob.matches(path))).toEqual(paths.map((path) => path.at(-13) === 'a'));
    }
    expect(glob.matches(`a${'b'.repeat(5)}/${'b'.repeat(6)}`)).toBe(false);
  });

  test('whether a pattern is a glob at all (a tree walk), and whether it reaches below the top level', () => {
    expect(['**/port.yml', 'a/*.yml', 'port.y?ml', 'port.{yml,yaml}'].map(isGlob)).toEqual([true, true, true, true]);
    expect(['port.yml', 'catalog/entities.yml', 'a[b]'].map(isGlob)).toEqual([false, false, false]);
    expect(['*', 'apps/*', '**', 'apps*'].map(spansFolders)).toEqual([false, true, true, false]);
  });

  test('a pattern longer than the limit, or with braces nested too deep, is refused by a phrase', () => {
    expect(globPatternProblem('**/port.yml')).toBeUndefined();
    expect(globPatternProblem('a'.repeat(MAX_GLOB_LENGTH))).toBeUndefined();
    expect(globPatternProblem('a'.repeat(MAX_GLOB_LENGTH + 1))).toBe('is longer than 256 characters');
    expect(globPatternProblem(`${'{a,'.repeat(11)}b${'}'.repeat(11)}`)).toBe('nests braces deeper than 10');
    expect(() => new Glob(`x${'*'.repeat(MAX_GLOB_LENGTH)}`)).toThrow(
      /^glob "x\*{79}…" is longer than 256 characters$/,
    );
  });
});

describe('the paths of a folder that a glob matches (the Action entitiesFile)', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wharf-glob-'));
    outside = mkdtempSync(join(tmpdir(), 'wharf-glob-outside-'));
    for (const file of ['port.yml', 'a/port.yml', 'a/b/port.yml', '.github/port.yml', 'a/.hidden.yml', 'c/x.json']) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), '');
    }
    writeFileSync(join(outside, 'port.yml'), '');
    symlinkSync(outside, join(root, 'c/elsewhere'));
    symlinkSync('..', join(root, 'a/b/loop'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test('files and folders at any depth, sorted; without dot-names, `.` entries only when the pattern names them', async () => {
    expect(await globPaths(root, '**/port.yml', { dot: false })).toEqual(['a/b/port.yml', 'a/port.yml', 'port.yml']);
    expect(await globPaths(root, '**/port.yml')).toEqual([
      '.github/port.yml',
      'a/b/port.yml',
      'a/port.yml',
      'port.yml',
    ]);
    expect(await globPaths(root, '.github/*.yml', { dot: false })).toEqual(['.github/port.yml']);
    expect(await globPaths(root, 'a/*', { dot: false })).toEqual(['a/b', 'a/port.yml']);
    expect(await globPaths(root, 'c/x.json')).toEqual(['c/x.json']);
    expect(await globPaths(root, 'c/none.json')).toEqual([]);
  });

  test('`**` does not walk into a symbolic link to a folder (loop or outside); a name or `*` does, one level', async () => {
    expect(await globPaths(root, '**/port.yml', { dot: false })).not.toContain('c/elsewhere/port.yml');
    expect(await globPaths(root, 'c/elsewhere/*.yml')).toEqual(['c/elsewhere/port.yml']);
    expect(await globPaths(root, 'c/*/port.yml')).toEqual(['c/elsewhere/port.yml']);
    expect(await globPaths(root, 'a/b/loop/b/loop/port.yml')).toEqual(['a/b/loop/b/loop/port.yml']);
    expect(await globPaths(root, 'a/b/loop/**/port.yml')).toEqual(['a/b/loop/port.yml']);
  });
});
