import { cell, code } from '../../src/action/markdown.ts';
import type { DeclaredInput } from './action-yml.ts';
import { formatted } from './prettier.ts';

/** The README's input table sits between these two lines; the rest of the README is written by hand. */
export const TABLE_START =
  '<!-- action-inputs: generated from action.yml by `npm run action:inputs`; edit action.yml -->';
export const TABLE_END = '<!-- end of action-inputs -->';

/** `readme` with the input table between the markers rewritten from these inputs, formatted as Prettier would. */
export async function withInputsTable(readme: string, inputs: readonly DeclaredInput[]): Promise<string> {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) {
    throw new Error(`README.md: the input table's markers are missing or out of order:\n${TABLE_START}\n${TABLE_END}`);
  }
  const table = await formatted(inputsTable(inputs), 'README.md');
  return `${readme.slice(0, start)}${TABLE_START}\n\n${table}\n${readme.slice(end)}`;
}

/** One row an input: its name, its default, and its description (marked when a workflow must give it). */
function inputsTable(inputs: readonly DeclaredInput[]): string {
  const rows = inputs.map((input) =>
    [
      code(input.name),
      input.default === undefined ? '' : code(input.default),
      `${input.required ? '**Required.** ' : ''}${input.description}`,
    ]
      .map(cell)
      .join(' | '),
  );
  return ['| input | default | description |', '| --- | --- | --- |', ...rows.map((row) => `| ${row} |`)].join('\n');
}
