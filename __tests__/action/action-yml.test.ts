/**
 * action.yml is the one declaration of the Action's inputs: the settings parser's list (src/action/action-inputs.ts)
 * and the README's input table are generated from it, and the rules the code keeps name only inputs it declares.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INPUT_NAMES, OPERATION_NEEDS } from '../../src/action/inputs.ts';
import {
  declaredInputs,
  filesFromActionYml,
  GENERATE_COMMAND,
  readDeclaredInputs,
  REPOSITORY_ROOT,
} from '../../scripts/action/index.ts';
import { renderInputsModule } from '../../scripts/action/inputs-module.ts';
import { TABLE_END, TABLE_START, withInputsTable } from '../../scripts/action/readme-inputs.ts';

const actionYml = join(REPOSITORY_ROOT, 'action.yml');

describe('what is generated from action.yml is up to date', () => {
  test(`${GENERATE_COMMAND} would change nothing`, async () => {
    const stale = (await filesFromActionYml())
      .filter((file) => readFileSync(join(REPOSITORY_ROOT, file.path), 'utf8') !== file.text)
      .map((file) => file.path);
    if (stale.length > 0) {
      throw new Error(
        `${stale.join(' and ')} disagree with action.yml: run '${GENERATE_COMMAND}' and commit the result`,
      );
    }
  });
});

describe('the code names only inputs that action.yml declares', () => {
  test('the settings parser reads every declared input, in action.yml order', async () => {
    expect(INPUT_NAMES).toEqual((await readDeclaredInputs(actionYml)).map((input) => input.name));
  });

  test('the inputs each operation needs', async () => {
    const declared = new Set((await readDeclaredInputs(actionYml)).map((input) => input.name));
    const named = Object.values(OPERATION_NEEDS).flat(2);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !declared.has(name))).toEqual([]);
  });
});

describe('the generator', () => {
  const inputs = declaredInputs(
    {
      inputs: {
        clientId: { description: 'Port client ID.', required: true },
        wait: { description: 'true to wait | or not.', required: false, default: 'false' },
      },
    },
    'test.yml',
  );

  test('carries names, required-ness and defaults into the module', async () => {
    const module = await renderInputsModule(inputs);
    expect(module).toContain("export type InputName = 'clientId' | 'wait';");
    expect(module).toContain("export const REQUIRED_INPUTS: readonly InputName[] = ['clientId'];");
    expect(module).toContain(
      "export const INPUT_DEFAULTS: Readonly<Partial<Record<InputName, string>>> = {\n  wait: 'false',\n};",
    );
  });

  test('writes one table row an input between the markers, pipes escaped, the rest of the README kept', async () => {
    const readme = `# Title\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nAfter.\n`;
    expect(await withInputsTable(readme, inputs)).toBe(
      [
        '# Title',
        '',
        TABLE_START,
        '',
        '| input      | default | description                   |',
        '| ---------- | ------- | ----------------------------- |',
        '| `clientId` |         | **Required.** Port client ID. |',
        '| `wait`     | `false` | true to wait \\| or not.       |',
        '',
        TABLE_END,
        '',
        'After.',
        '',
      ].join('\n'),
    );
  });

  test('refuses a README without the markers, and a declaration it cannot read, naming the input', async () => {
    await expect(withInputsTable('# Title\n', inputs)).rejects.toThrow(/markers are missing/);
    expect(() => declaredInputs({ inputs: { waitTimeout: { description: 'x', default: 3600 } } }, 'a.yml')).toThrow(
      'a.yml: input "waitTimeout": "default" is not a quoted string',
    );
  });
});
