/**
 * The text of a port.yml-shaped file as documents: JSON as JSON (its rules and messages) for a `.json` file, YAML
 * otherwise, each document with what places its problems. A text that cannot be read is one problem, placed where
 * the parser says.
 */
import { extname } from 'node:path';
import { type Document, LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import { JsonSyntaxError, parseJson } from '../json/index.ts';
import type { PortYmlProblem } from './read-port-yml.ts';

/**
 * How often the nodes under one anchor may be repeated through aliases (yaml's `maxAliasCount`, its default): a few
 * lines of anchors of anchors ("billion laughs") would otherwise expand to gigabytes.
 */
export const MAX_ALIAS_COUNT = 100;

export interface ReadDocument {
  value: unknown;
  /**
   * The parsed YAML, to place problems; undefined when the text could be read but not placed. A JSON text is
   * parsed as YAML only when something must be placed: most files have nothing to place, and the YAML tree of a
   * large file takes several times the memory of its value.
   */
  doc: () => Document | undefined;
  lines: LineCounter;
}

export interface ReadText {
  json: boolean;
  /** How many documents the text holds, whether or not they could be read. */
  count: number;
  documents: ReadDocument[];
  problems: PortYmlProblem[];
}

type Read = Omit<ReadText, 'json'>;

export function readText(path: string, text: string, multipleDocuments: boolean): ReadText {
  const json = extname(path).toLowerCase() === '.json';
  try {
    return { json, ...(json ? readJson(text) : readYaml(text, multipleDocuments)) };
  } catch (error) {
    // The parsers recurse into nested arrays and objects: a file nested thousands deep overflows the stack.
    if (!(error instanceof RangeError)) throw error;
    return { json, ...whole('is nested too deeply to be read') };
  }
}

const whole = (message: string, at: Partial<PortYmlProblem> = {}, count = 1): Read => ({
  count,
  documents: [],
  problems: [{ document: 0, field: '', ...at, message }],
});

/** JSON as JSON (its rules and messages), placed through the YAML parser, since JSON is YAML. */
function readJson(text: string): Read {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      const reason = error.message.replace(/ at line \d+, column \d+ \(position \d+\)$/, '');
      return whole(`is not valid JSON: ${reason}`, { line: error.line, column: error.column, offset: error.offset });
    }
    throw error;
  }
  const lines = new LineCounter();
  let placed: { doc: Document | undefined } | undefined;
  const doc = () => {
    if (!placed) {
      const parsed = parseDocument(text, { lineCounter: lines });
      // JSON that YAML reads otherwise (tabs, say) is still JSON: its problems are then named without a place.
      placed = { doc: parsed.errors.length === 0 ? parsed : undefined };
    }
    return placed.doc;
  };
  return { count: 1, documents: [{ value, doc, lines }], problems: [] };
}

function readYaml(text: string, multipleDocuments: boolean): Read {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines });
  const docs = Array.isArray(parsed) ? parsed : []; // an empty stream
  const problems: PortYmlProblem[] = [];
  for (const [document, doc] of docs.entries()) {
    for (const error of doc.errors) {
      const { line, col } = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      // yaml's own message repeats the position and draws the line; its first sentence is enough here.
      const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      problems.push({
        document,
        field: '',
        line,
        column: col,
        offset: error.pos[0],
        message: `is not valid YAML: ${what}`,
      });
    }
  }
  if (problems.length > 0) return { count: docs.length, documents: [], problems };
  if (!multipleDocuments && docs.length > 1) {
    const { line, col } = lines.linePos(docs[1]!.range?.[0] ?? 0);
    const message = `holds ${docs.length} YAML documents; it may hold one (one entity or a list)`;
    return whole(message, { line, column: col }, docs.length);
  }
  const documents: ReadDocument[] = [];
  for (const [document, doc] of docs.entries()) {
    try {
      documents.push({ value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), doc: () => doc, lines });
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      const why = /alias count/i.test(error.message)
        ? `its aliases expand too far (over the limit of ${MAX_ALIAS_COUNT} alias expansions)`
        : error.message;
      return whole(`is not accepted as YAML: ${why}`, { document }, docs.length);
    }
  }
  return { count: docs.length, documents, problems: [] };
}
