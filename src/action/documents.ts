import { extname } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { JsonSyntaxError, parseJson } from '../json/index.ts';
import type { Checked } from './workspace-files.ts';

/**
 * How often the nodes under one anchor may be repeated through aliases (yaml's `maxAliasCount`, its default): a few
 * lines of anchors of anchors ("billion laughs") would otherwise expand to gigabytes.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * The documents of an entities file's text: `.json` as JSON; anything else as YAML (which JSON also is), which
 * may hold several. Positions are 1-based lines and columns.
 */
export function readDocuments(text: string, file: string): Checked<unknown[]> {
  try {
    return extname(file).toLowerCase() === '.json' ? { ok: true, value: [parseJson(text)] } : readYaml(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, problem: `is not valid JSON: ${error.message}` };
    // The parsers recurse into nested arrays and objects: a file nested thousands deep overflows the stack.
    if (error instanceof RangeError) return { ok: false, problem: 'is nested too deeply to be read' };
    throw error;
  }
}

function readYaml(text: string): Checked<unknown[]> {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return { ok: true, value: [] }; // an empty stream
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const [start] = error.linePos ?? [];
      const where = start ? ` at line ${start.line}, column ${start.col} (position ${error.pos[0]})` : '';
      // yaml's own message repeats the position and draws the line; its first sentence is enough here.
      const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return { ok: false, problem: `is not valid YAML: ${what}${where}` };
    }
  }
  const values: unknown[] = [];
  for (const [index, document] of documents.entries()) {
    try {
      values.push(document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      const which = documents.length > 1 ? ` (document ${index + 1})` : '';
      const why = /alias count/i.test(error.message)
        ? `its aliases expand too far (over the limit of ${MAX_ALIAS_COUNT} alias expansions)`
        : error.message;
      return { ok: false, problem: `is not accepted as YAML${which}: ${why}` };
    }
  }
  return { ok: true, value: values };
}
