/**
 * Every import runs downhill: src/ (shared libraries) imports only itself; catalog/ and app/ import src/ and
 * themselves, never each other; server/ (the process that composes them) may import all three; none imports the
 * tests or the benchmarks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What each top-level folder may import, besides packages. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  src: ['src'],
  catalog: ['src', 'catalog'],
  app: ['src', 'app'],
  server: ['src', 'catalog', 'app', 'server'],
};

/** The relative specifiers of a module's static imports, re-exports and dynamic imports. */
function relativeImports(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    found.push(match[1]!);
  }
  return found;
}

/** `file imports specifier` where the folder of `file` may not import the folder the specifier leads to. */
function uphillImports(file: string, source: string): string[] {
  const from = relative(ROOT, file).split('/')[0]!;
  const allowed = MAY_IMPORT[from] ?? [];
  return relativeImports(source)
    .filter((specifier) => !allowed.includes(relative(ROOT, resolve(dirname(file), specifier)).split('/')[0]!))
    .map((specifier) => `${relative(ROOT, file)} imports ${specifier}`);
}

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('import direction', () => {
  test.each(Object.keys(MAY_IMPORT))('%s/ imports only what it may', (folder) => {
    const files = sources(folder);
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap((file) => uphillImports(file, readFileSync(file, 'utf8')))).toEqual([]);
  });

  test('an import that runs back up is found, in each form', () => {
    const file = join(ROOT, 'src/port/client.ts');
    const source = [
      "import { WharfApp } from '../../app/index.ts';",
      "export { openCatalog } from '../../catalog/index.ts';",
      "const main = await import('../../server/main.ts');",
      "import '../../bench/run.ts';",
      "import { parseJson } from '../json/index.ts';",
    ].join('\n');
    expect(uphillImports(file, source)).toEqual([
      'src/port/client.ts imports ../../app/index.ts',
      'src/port/client.ts imports ../../catalog/index.ts',
      'src/port/client.ts imports ../../server/main.ts',
      'src/port/client.ts imports ../../bench/run.ts',
    ]);
  });
});
