import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readDeclaredInputs } from './action-yml.ts';
import { INPUTS_MODULE_PATH, renderInputsModule } from './inputs-module.ts';
import { REPOSITORY_ROOT } from './paths.ts';
import { withInputsTable } from './readme-inputs.ts';

/** A file as it should read, by its path in the repository. */
export interface GeneratedFile {
  path: string;
  text: string;
}

/** The command that writes them; the test that compares them names it. */
export const GENERATE_COMMAND = 'npm run action:inputs';

/** What action.yml's inputs determine: the settings parser's declaration of them, and the README's input table. */
export async function filesFromActionYml(root = REPOSITORY_ROOT): Promise<GeneratedFile[]> {
  const inputs = await readDeclaredInputs(join(root, 'action.yml'));
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  return [
    { path: INPUTS_MODULE_PATH, text: await renderInputsModule(inputs) },
    { path: 'README.md', text: await withInputsTable(readme, inputs) },
  ];
}
