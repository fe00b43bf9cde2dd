import { describe, expect, test } from '@jest/globals';
import {
  type FileText,
  parsePortYml,
  type PortYmlOptions,
  type PortYmlProblem,
  resolveFileReferences,
} from '../../src/port-yml/index.ts';

const GITOPS: PortYmlOptions = { identifierRequired: true, blueprintRequired: true, multipleDocuments: false };
const ACTION: PortYmlOptions = { identifierRequired: false, blueprintRequired: false, multipleDocuments: true };

const said = (problems: readonly PortYmlProblem[]) =>
  problems.map(({ document, line, column, field, message }) => `${document} ${line}:${column} ${field}: ${message}`);

/** A reader over an in-memory repository, recording what it was asked for. */
function repository(files: Record<string, string>) {
  const asked: string[][] = [];
  const read = async (paths: readonly string[]) => {
    asked.push([...paths]);
    return new Map<string, FileText>(
      paths.map((path) => [
        path,
        path in files ? { ok: true, value: files[path]! } : { ok: false, problem: 'is not in the repository' },
      ]),
    );
  };
  return { asked, read };
}

describe('the rules that differ on purpose are options', () => {
  test('identifier and blueprint: required for GitOps, left to the server and the blueprint input for the Action', () => {
    const text = '- title: Billing\n';
    expect(said(parsePortYml('port.yml', text, GITOPS).problems)).toEqual([
      '0 1:3 [0].identifier: required',
      '0 1:3 [0].blueprint: required',
    ]);
    const action = parsePortYml('port.yml', text, ACTION);
    expect(action.problems).toEqual([]);
    expect(action.entities.map((item) => item.entity)).toEqual([{ title: 'Billing' }]);
  });

  test('several YAML documents: each read for the Action, refused in a port.yml', () => {
    const text = 'identifier: a\nblueprint: s\n---\n- identifier: b\n  blueprint: s\n  colour: red\n';
    const action = parsePortYml('entities.yml', text, ACTION);
    expect(action.documents).toBe(2);
    expect(action.entities.map((item) => [item.entity.identifier, item.document, item.lines().line])).toEqual([
      ['a', 0, 1],
    ]);
    expect(said(action.problems)).toEqual([
      '1 6:3 [0].colour: unknown key (expected identifier, blueprint, title, icon, team, properties, relations)',
    ]);
    expect(said(parsePortYml('port.yml', text, GITOPS).problems)).toEqual([
      '0 3:1 : holds 2 YAML documents; it may hold one (one entity or a list)',
    ]);
  });
});

describe('one set of rules for both', () => {
  test('`properties:` and `relations:` left empty are no properties and no relations', () => {
    const file = parsePortYml('port.yml', 'identifier: a\nblueprint: s\nproperties:\nrelations:\n', GITOPS);
    expect(file.problems).toEqual([]);
    expect(file.entities[0]!.entity).toEqual({ identifier: 'a', blueprint: 's' });
  });

  test('a JSON file is read as JSON, its problems placed by line and column', () => {
    const text = '[\n  {"identifier": "a", "blueprint": "s"},\n  {"identifier": 5, "blueprint": "s"}\n]';
    expect(said(parsePortYml('e.json', text, GITOPS).problems)).toEqual(['0 3:18 [1].identifier: must be a string']);
    expect(said(parsePortYml('e.json', '{"identifier" 1}', GITOPS).problems)).toEqual([
      '0 1:15 : is not valid JSON: expected ":"',
    ]);
  });

  test('a relation holds identifiers or a search query; a broken query is named inside', () => {
    const text = `identifier: a
blueprint: s
relations:
  owner: [x, y]
  service: { combinator: and, rules: [] }
  broken: { combinator: xor, rules: [] }
`;
    expect(said(parsePortYml('port.yml', text, GITOPS).problems)).toEqual([
      '0 6:25 relations.broken.combinator: must be "and" or "or"',
    ]);
  });

  test('values JSON cannot carry are refused by path', () => {
    expect(
      said(parsePortYml('port.yml', 'identifier: a\nblueprint: s\nproperties: { size: 1e400 }\n', GITOPS).problems),
    ).toEqual([
      '0 1:1 properties.size: is a number too large to store: it is beyond ±1.7976931348623157e+308 (the range of a 64-bit float)',
    ]);
  });
});

describe('texts that cannot be read whole', () => {
  test('YAML nested deeper than the parser recurses, and aliases that expand too far: one problem each', () => {
    const deep = `identifier: a\nblueprint: s\nproperties: { x: ${'['.repeat(50_000)}${']'.repeat(50_000)} }\n`;
    // yaml notices its own stack running out and says so as a syntax error; either way, one problem and no crash.
    const tooDeep = parsePortYml('port.yml', deep, GITOPS);
    expect(tooDeep.entities).toEqual([]);
    expect(tooDeep.problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^(is nested too deeply to be read|is not valid YAML: Maximum call stack size exceeded)$/),
    ]);
    let bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    for (const [level, name] of ['b', 'c', 'd', 'e', 'f'].entries()) {
      bomb += `${name}: &${name} [${Array(9).fill(`*${'abcdef'[level]}`).join(', ')}]\n`;
    }
    expect(said(parsePortYml('port.yml', bomb, GITOPS).problems)).toEqual([
      '0 undefined:undefined : is not accepted as YAML: its aliases expand too far (over the limit of 100 alias expansions)',
    ]);
  });
});

describe('file:// values', () => {
  test('top-level property values, relative to the file, read in one call for all files', async () => {
    const { asked, read } = repository({ 'svc/README.md': '# Svc', 'docs/a.md': 'A' });
    const one = parsePortYml(
      'svc/port.yml',
      'identifier: a\nblueprint: s\nproperties:\n  readme: file://README.md\n  nested: { doc: file://x.md }\n',
      GITOPS,
    );
    const two = parsePortYml('port.yml', 'identifier: b\nblueprint: s\nproperties:\n  doc: file://docs/a.md\n', GITOPS);
    const [first, second] = await resolveFileReferences([one, two], read);
    expect(asked).toEqual([['svc/README.md', 'docs/a.md']]);
    // The vendor reads property values only: a file:// string deeper in a value is data.
    expect(first!.entities[0]!.entity.properties).toEqual({ readme: '# Svc', nested: { doc: 'file://x.md' } });
    expect(second!.entities[0]!.entity.properties).toEqual({ doc: 'A' });
  });

  test('a value outside the repository or not in it: a problem at the value, and the entity left out', async () => {
    const { read } = repository({});
    const file = parsePortYml(
      'svc/port.yml',
      `- identifier: out
  blueprint: s
  properties:
    readme: file://../../etc/passwd
- identifier: gone
  blueprint: s
  properties:
    readme: file://nowhere.md
- identifier: fine
  blueprint: s
`,
      GITOPS,
    );
    const [resolved] = await resolveFileReferences([file], read);
    expect(said(resolved!.problems)).toEqual([
      '0 4:13 [0].properties.readme: "file://../../etc/passwd" points outside the repository',
      '0 8:13 [1].properties.readme: "file://nowhere.md" is not in the repository',
    ]);
    expect(resolved!.entities.map((item) => item.entity.identifier)).toEqual(['fine']);
  });
});
