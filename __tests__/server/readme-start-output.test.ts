import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { startChildServer } from '../helpers/child-server.ts';

const README = new URL('../../README.md', import.meta.url);

/** The block after "`npm start` listens on ... and prints the credentials the catalog accepts:" in the README. */
function documentedStartOutput(): string[] {
  const readme = readFileSync(README, 'utf8');
  const block = /prints the credentials the catalog accepts:\n\n```\n([\s\S]*?)\n```/.exec(readme);
  if (!block) throw new Error('README has no start output block after "prints the credentials the catalog accepts:"');
  return block[1]!.split('\n');
}

/** A README line as a pattern: its address, data directory and generated values stand for the run's. */
function linePattern(line: string): RegExp {
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = escaped
    .replaceAll('http://localhost:3000', 'http://\\S+')
    .replaceAll('/path/to/\\.data', '\\S+')
    .replace('wharf_\\.\\.\\.', 'wharf_\\S+')
    .replace(/=\\\.\\\.\\\.$/, '=\\S+');
  return new RegExp(`^${pattern}$`);
}

test("the README's start output is what npm start prints on a fresh data directory, line for line", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-readme-'));
  try {
    // As the quickstart runs it: no credentials, no GitHub App.
    const child = await startChildServer({
      WHARF_DATA_DIR: dataDir,
      PORT_CLIENT_ID: '',
      PORT_CLIENT_SECRET: '',
      APP_ID: '',
    });
    for (let wait = 0; wait < 250 && !child.output().includes('GitHub App:'); wait++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await child.stop('SIGTERM');
    const printed = child.output().split('\n').slice(0, documentedStartOutput().length);
    const documented = documentedStartOutput();
    expect(printed).toHaveLength(documented.length);
    documented.forEach((line, index) => expect(printed[index]).toMatch(linePattern(line)));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
