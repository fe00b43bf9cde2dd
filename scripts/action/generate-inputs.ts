/** `npm run action:inputs`: rewrites what action.yml's inputs determine (see generated-files.ts), where it differs. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filesFromActionYml, REPOSITORY_ROOT } from './index.ts';

for (const file of await filesFromActionYml()) {
  const path = join(REPOSITORY_ROOT, file.path);
  if ((await readFile(path, 'utf8').catch(() => '')) === file.text) continue;
  await writeFile(path, file.text);
  console.log(`wrote ${file.path}`);
}
