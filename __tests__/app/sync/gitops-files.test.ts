import { describe, expect, test } from '@jest/globals';
import { parseSpecFile } from '../../../app/sync/gitops/spec-file.ts';
import { matchesSpecPath, rootSpecPaths } from '../../../app/sync/gitops/spec-paths.ts';

describe('specPath patterns', () => {
  test('** spans folders (none included), * and ? stay in one, {a,b} is either, dot-folders match', () => {
    const spec = ['**/port.yml'];
    expect(matchesSpecPath('port.yml', spec)).toBe(true);
    expect(matchesSpecPath('services/billing/port.yml', spec)).toBe(true);
    expect(matchesSpecPath('.github/port.yml', spec)).toBe(true);
    expect(matchesSpecPath('port.yaml', spec)).toBe(false);
    expect(matchesSpecPath('services/port.yml.bak', spec)).toBe(false);
    expect(matchesSpecPath('envs/prod.yml', ['envs/*.yml'])).toBe(true);
    expect(matchesSpecPath('envs/eu/prod.yml', ['envs/*.yml'])).toBe(false);
    expect(matchesSpecPath('port.yaml', ['port.{yml,yaml}'])).toBe(true);
    expect(matchesSpecPath('a/port.yml', ['./a/port.yml'])).toBe(true);
  });

  test('the files a resync reads at the root without walking the tree', () => {
    expect(rootSpecPaths(['**/port.yml', 'catalog/entities.yml', 'envs/*.yml', '**/*.port.yml'])).toEqual([
      'port.yml',
      'catalog/entities.yml',
    ]);
  });
});

describe('a port.yml', () => {
  test('one entity or a list; the line of each entity and field; file:// values relative to the file', () => {
    const spec = parseSpecFile(
      'services/billing/port.yml',
      `- identifier: billing
  blueprint: service
  properties:
    readme: file://README.md
    docs: file://../../docs/billing.md
- identifier: billing-db
  blueprint: database
  relations:
    service: billing
`,
    );
    expect(spec.problems).toEqual([]);
    expect(spec.entities.map((entity) => [entity.entity.identifier, entity.lines().line, entity.index])).toEqual([
      ['billing', 1, 0],
      ['billing-db', 6, 1],
    ]);
    expect(spec.entities[1]!.lines().fields['relations.service']).toBe(9);
    const references = spec.entities.flatMap((entity) => entity.fileReferences);
    expect(references.map((value) => [value.property, value.path, value.line])).toEqual([
      ['readme', 'services/billing/README.md', 4],
      ['docs', 'docs/billing.md', 5],
    ]);
    expect(parseSpecFile('port.yml', 'identifier: a\nblueprint: b\n').entities).toHaveLength(1);
    expect(parseSpecFile('port.yml', '').entities).toEqual([]);
  });

  test('problems name line, column and field', () => {
    const spec = parseSpecFile(
      'port.yml',
      `- identifier: ok
  blueprint: service
- blueprint: service
- identifier: outside
  blueprint: service
  properties:
    readme: file://../../etc/passwd
- identifier: x
  blueprint: service
  team: [1]
  owner: me
`,
    );
    expect(
      spec.problems.map((problem) => `${problem.line}:${problem.column} ${problem.field}: ${problem.message}`),
    ).toEqual([
      '3:3 [1].identifier: required',
      '7:13 [2].properties.readme: "file://../../etc/passwd" points outside the repository',
      '10:9 [3].team: must be a team name, a list of team names, or null',
      '11:3 [3].owner: unknown key (expected identifier, blueprint, title, icon, team, properties, relations)',
    ]);
    expect(spec.entities.map((entity) => entity.entity.identifier)).toEqual(['ok', 'outside']);
    expect(parseSpecFile('port.yml', 'identifier: a\n  blueprint: [').problems[0]!.message).toMatch(
      /^is not valid YAML: /,
    );
    expect(parseSpecFile('port.yml', '- 3\n').problems[0]!.message).toBe(
      'must be an entity (a mapping with identifier, blueprint, properties, ...)',
    );
  });
});
