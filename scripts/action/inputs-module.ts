import type { DeclaredInput } from './action-yml.ts';
import { formatted } from './prettier.ts';

/** Where the settings parser reads action.yml's inputs from (a module, so that the bundle carries no YAML). */
export const INPUTS_MODULE_PATH = 'src/action/action-inputs.ts';

/**
 * The text of src/action/action-inputs.ts for these inputs, formatted as Prettier would: the names as a type, then
 * the few that are required and those with defaults, as plain lists (the bundle carries these: its smallest form).
 */
export async function renderInputsModule(inputs: readonly DeclaredInput[]): Promise<string> {
  const list = (names: readonly string[]) => names.map((name) => JSON.stringify(name)).join(', ');
  const defaults = inputs.flatMap((input) =>
    input.default === undefined ? [] : [`${JSON.stringify(input.name)}: ${JSON.stringify(input.default)},`],
  );
  const text = [
    '// Generated from action.yml by `npm run action:inputs`: edit action.yml, then run it. A test fails while the two',
    '// disagree (__tests__/action/action-yml.test.ts).',
    '',
    "/** An input action.yml declares. A type only: the settings parser's schema lists them, once, in the bundle. */",
    `export type InputName = ${inputs.map((input) => JSON.stringify(input.name)).join(' | ')};`,
    '',
    '/** Those a workflow must give (`required: true`; the runner does not check it, the settings parser does). */',
    `export const REQUIRED_INPUTS: readonly InputName[] = [${list(inputs.filter((input) => input.required).map((input) => input.name))}];`,
    '',
    '/**',
    ' * What the runner passes for an input the workflow does not give. The settings parser falls back to it too: a',
    " * step run by hand is passed no defaults, and an input given as '' is as good as not given.",
    ' */',
    'export const INPUT_DEFAULTS: Readonly<Partial<Record<InputName, string>>> = {',
    ...defaults,
    '};',
    '',
  ].join('\n');
  return formatted(text, INPUTS_MODULE_PATH);
}
