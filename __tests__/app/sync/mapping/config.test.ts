import { describe, expect, test } from '@jest/globals';
import { stringify } from 'yaml';
import { ConfigError, DEFAULT_PORT_APP_CONFIG, parsePortAppConfig } from '../../../../app/sync/mapping/index.ts';

const SOURCE = 'org/.github:port-app-config.yml';

/** The ConfigError `text` raises (fails the test when it parses). */
async function configError(text: string): Promise<ConfigError> {
  try {
    await parsePortAppConfig(text, SOURCE);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

async function messageOf(text: string): Promise<string> {
  return (await configError(text)).message;
}

/** Lines joined, so a test can show the YAML with its line numbers in mind. */
const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('parsePortAppConfig: the vendor format', () => {
  test('the documented repository and pull request resources parse, with the flags defaulted', async () => {
    const config = await parsePortAppConfig(
      yaml(
        'resources:',
        '  - kind: repository',
        '    selector:',
        '      query: "true" # JQ boolean query',
        '    port:',
        '      entity:',
        '        mappings:',
        '          identifier: ".name"',
        '          title: ".name"',
        `          blueprint: '"service"'`,
        '          properties:',
        '            readme: file://README.md',
        '            url: .html_url',
        '            defaultBranch: .default_branch',
        '  - kind: pull-request',
        '    selector:',
        '      query: "true"',
        '    port:',
        '      entity:',
        '        mappings:',
        '          identifier: ".head.repo.name + (.id|tostring)"',
        '          title: ".title"',
        `          blueprint: '"githubPullRequest"'`,
        '          properties:',
        '            creator: ".user.login"',
        '            assignees: "[.assignees[].login]"',
        '          relations:',
        '            service: .head.repo.name',
      ),
      SOURCE,
    );
    expect(config).toEqual({
      deleteDependentEntities: false,
      createMissingRelatedEntities: false,
      enableMergeEntity: false,
      entityDeletionThreshold: 0.9,
      repositoryType: 'all',
      specPath: ['**/port.yml'],
      resources: [
        {
          kind: 'repository',
          selector: { query: 'true', includedFiles: [] },
          port: {
            entity: {
              mappings: {
                identifier: '.name',
                title: '.name',
                blueprint: '"service"',
                properties: { readme: 'file://README.md', url: '.html_url', defaultBranch: '.default_branch' },
                relations: {},
              },
            },
          },
        },
        {
          kind: 'pull-request',
          selector: { query: 'true', states: ['open'], maxResults: 100, since: 60 },
          port: {
            entity: {
              mappings: {
                identifier: '.head.repo.name + (.id|tostring)',
                title: '.title',
                blueprint: '"githubPullRequest"',
                properties: { creator: '.user.login', assignees: '[.assignees[].login]' },
                relations: { service: '.head.repo.name' },
              },
            },
          },
        },
      ],
    });
  });

  test('flags, specPath, itemsToParse, includedFiles, workflow kinds; an unquoted `query: true` is jq true', async () => {
    const config = await parsePortAppConfig(
      yaml(
        'deleteDependentEntities: true',
        'createMissingRelatedEntities: true',
        'enableMergeEntity: true',
        'entityDeletionThreshold: 0.5',
        'specPath: "services/**/port.yml"',
        'resources:',
        '  - kind: repository',
        '    selector:',
        '      query: true',
        '      includedFiles: [README.md, .github/CODEOWNERS]',
        '    port:',
        '      itemsToParse: .topics',
        '      entity:',
        '        mappings:',
        '          identifier: .name + "-" + .item',
        `          blueprint: '"topic"'`,
        '          icon: \'"Github"\'',
        '          team: .owner.login',
        '          title:',
        '  - kind: workflow',
        '    port:',
        '      entity:',
        '        mappings: {identifier: .path, blueprint: \'"githubWorkflow"\'}',
        '  - kind: workflow-run',
        '    selector: {query: .conclusion == "failure"}',
        '    port:',
        '      entity:',
        '        mappings: {identifier: .id | tostring, blueprint: \'"githubWorkflowRun"\'}',
      ),
      SOURCE,
    );
    expect(config).toMatchObject({
      deleteDependentEntities: true,
      createMissingRelatedEntities: true,
      enableMergeEntity: true,
      entityDeletionThreshold: 0.5,
      specPath: ['services/**/port.yml'],
    });
    expect(config.resources.map((resource) => [resource.kind, resource.selector])).toEqual([
      ['repository', { query: 'true', includedFiles: ['README.md', '.github/CODEOWNERS'] }],
      ['workflow', { query: 'true' }],
      ['workflow-run', { query: '.conclusion == "failure"' }],
    ]);
    const repository = config.resources[0]!;
    expect(repository.port.itemsToParse).toBe('.topics');
    // An empty `title:` is the same as no title.
    expect(repository.port.entity.mappings).toEqual({
      identifier: '.name + "-" + .item',
      blueprint: '"topic"',
      icon: '"Github"',
      team: '.owner.login',
      properties: {},
      relations: {},
    });
  });

  test('the built-in default is itself a valid file: written out as YAML, it parses back the same', async () => {
    const text = stringify(DEFAULT_PORT_APP_CONFIG);
    expect(await parsePortAppConfig(text, 'built-in default')).toEqual(DEFAULT_PORT_APP_CONFIG);
  });
});

describe('parsePortAppConfig: every error names the file, line, column and field', () => {
  test('a YAML syntax error, with its line', async () => {
    const error = await configError(
      yaml(
        'resources:', //
        '  - kind: repository',
        '    selector: {query: "true"',
        '    port:',
      ),
    );
    expect(error.message).toBe(
      `${SOURCE} line 4, column 5: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }`,
    );
    expect(error).toMatchObject({ source: SOURCE, line: 4, column: 5, field: '' });
  });

  test('a key given twice and tabs for indentation are YAML errors', async () => {
    expect(await messageOf(yaml('resources: []', 'resources: []'))).toBe(
      `${SOURCE} line 2, column 1: YAML syntax error: Map keys must be unique`,
    );
    expect(await messageOf(yaml('resources:', '\t- kind: repository'))).toBe(
      `${SOURCE} line 2, column 1: YAML syntax error: Tabs are not allowed as indentation`,
    );
  });

  test('an empty file and a file that is not a mapping', async () => {
    expect(await messageOf('# nothing yet\n')).toBe(
      `${SOURCE} line 1, column 1: the file is empty (expected a mapping with a resources list)`,
    );
    expect(await messageOf(yaml('- kind: repository'))).toBe(
      `${SOURCE} line 1, column 1: expected a mapping, got a list`,
    );
  });

  test('an unknown kind, and a resource without one', async () => {
    const error = await configError(
      yaml(
        'resources:',
        '  - kind: service',
        '    port: {entity: {mappings: {identifier: .name, blueprint: \'"service"\'}}}',
        '  - selector: {query: "true"}',
        '    port: {entity: {mappings: {identifier: .name, blueprint: \'"service"\'}}}',
      ),
    );
    expect(error.message).toBe(
      [
        `${SOURCE} line 2, column 11: resources[0].kind: unknown kind "service" (expected one of: organization, repository, pull-request, issue, release, tag, branch, environment, deployment, workflow, workflow-run, dependabot-alert, code-scanning-alerts, secret-scanning-alerts, team, user, file, folder, collaborator)`,
        `${SOURCE} line 4, column 5: resources[1].kind: required`,
      ].join('\n'),
    );
    expect(error.problems).toHaveLength(2);
  });

  test('a missing identifier mapping points at the mappings that lack it', async () => {
    const error = await configError(
      yaml(
        'deleteDependentEntities: true',
        'resources:',
        '  - kind: repository',
        '    selector:',
        '      query: "true"',
        '    port:',
        '      entity:',
        '        mappings:',
        '          identifier: .name',
        `          blueprint: '"service"'`,
        '  - kind: pull-request',
        '    port:',
        '      entity:',
        '        mappings:',
        '          title: .title',
        `          blueprint: '"githubPullRequest"'`,
      ),
    );
    expect(error.message).toBe(`${SOURCE} line 15, column 11: resources[1].port.entity.mappings.identifier: required`);
    expect(error).toMatchObject({
      source: SOURCE,
      line: 15,
      column: 11,
      field: 'resources[1].port.entity.mappings.identifier',
      reason: 'required',
    });
  });

  test('a jq expression that does not compile, in any field, with jq words and the line of the expression', async () => {
    const error = await configError(
      yaml(
        'resources:',
        '  - kind: repository',
        '    selector:',
        '      query: .name | startswith("service"',
        '    port:',
        '      itemsToParse: .topics[',
        '      entity:',
        '        mappings:',
        '          identifier: .name',
        `          blueprint: '"service"'`,
        '          properties:',
        '            url: .html_url |',
        '          relations:',
        '            owner: .owner.login)',
      ),
    );
    expect(error.message).toBe(
      [
        `${SOURCE} line 4, column 14: resources[0].selector.query: jq does not compile: syntax error, unexpected end of file, expecting ';' or ')' (line 1)`,
        `${SOURCE} line 6, column 21: resources[0].port.itemsToParse: jq does not compile: syntax error, unexpected end of file (line 1)`,
        `${SOURCE} line 12, column 18: resources[0].port.entity.mappings.properties.url: jq does not compile: syntax error, unexpected end of file (line 1)`,
        `${SOURCE} line 14, column 20: resources[0].port.entity.mappings.relations.owner: jq does not compile: syntax error, unexpected INVALID_CHARACTER, expecting end of file (line 1)`,
      ].join('\n'),
    );
  });

  test('a bare word where a quoted string was meant gets a hint', async () => {
    expect(
      await messageOf(
        yaml(
          'resources:',
          '  - kind: repository',
          '    port:',
          '      entity:',
          '        mappings:',
          '          identifier: .name',
          '          blueprint: service',
        ),
      ),
    ).toBe(
      `${SOURCE} line 7, column 22: resources[0].port.entity.mappings.blueprint: jq does not compile: service/0 is not defined (line 1) (for the text "service", quote it twice: '"service"')`,
    );
  });

  test('flags of the wrong type', async () => {
    expect(
      await messageOf(
        yaml(
          'deleteDependentEntities: "true"',
          'createMissingRelatedEntities: yes',
          'enableMergeEntity: 1',
          'entityDeletionThreshold: 5',
          'specPath: [1]',
          'resources: {}',
        ),
      ),
    ).toBe(
      [
        `${SOURCE} line 1, column 26: deleteDependentEntities: expected true or false, got "true"`,
        `${SOURCE} line 2, column 31: createMissingRelatedEntities: expected true or false, got "yes"`,
        `${SOURCE} line 3, column 20: enableMergeEntity: expected true or false, got 1`,
        `${SOURCE} line 4, column 26: entityDeletionThreshold: expected a number from 0 to 1, got 5`,
        `${SOURCE} line 5, column 12: specPath[0]: expected a string, got 1`,
        `${SOURCE} line 6, column 12: resources: expected a list, got a mapping`,
      ].join('\n'),
    );
    expect(await messageOf(yaml('entityDeletionThreshold: half', 'resources: []'))).toBe(
      `${SOURCE} line 1, column 26: entityDeletionThreshold: expected a number from 0 to 1, got "half"`,
    );
  });

  test('unknown keys (typos) are named at the key, with the keys that are known', async () => {
    expect(
      await messageOf(
        yaml(
          'deleteDependentEntity: true',
          'resources:',
          '  - kind: repository',
          '    selector:',
          '      query: "true"',
          '      includedfiles: [README.md]',
          '    port:',
          '      entity:',
          '        mappings:',
          '          identifier: .name',
          `          blueprint: '"service"'`,
          '          propeties:',
          '            url: .html_url',
        ),
      ),
    ).toBe(
      [
        `${SOURCE} line 1, column 1: deleteDependentEntity: unknown key (expected one of: deleteDependentEntities, createMissingRelatedEntities, enableMergeEntity, entityDeletionThreshold, specPath, repositoryType, resources)`,
        `${SOURCE} line 6, column 7: resources[0].selector.includedfiles: unknown key (expected one of: query, includedFiles, include, repoSearch)`,
        `${SOURCE} line 12, column 11: resources[0].port.entity.mappings.propeties: unknown key (expected one of: identifier, title, blueprint, icon, team, properties, relations)`,
      ].join('\n'),
    );
  });

  test('selector fields belong to their kind: includedFiles is for repositories', async () => {
    expect(
      await messageOf(
        yaml(
          'resources:',
          '  - kind: pull-request',
          '    selector: {query: "true", includedFiles: [README.md]}',
          '    port: {entity: {mappings: {identifier: .title, blueprint: \'"pr"\'}}}',
        ),
      ),
    ).toBe(
      `${SOURCE} line 3, column 31: resources[0].selector.includedFiles: unknown key (expected one of: query, states, maxResults, since, closedPullRequests, api, repoSearch)`,
    );
  });

  test('mapping values that are not jq text, and empty ones', async () => {
    expect(
      await messageOf(
        yaml(
          'resources:',
          '  - kind: repository',
          '    port:',
          '      entity:',
          '        mappings:',
          '          identifier: ""',
          `          blueprint: '"service"'`,
          '          title: 42',
          '          properties:',
          '            readme:',
          '            topics: [.topics]',
        ),
      ),
    ).toBe(
      [
        `${SOURCE} line 6, column 23: resources[0].port.entity.mappings.identifier: must not be empty`,
        `${SOURCE} line 8, column 18: resources[0].port.entity.mappings.title: expected a jq expression (a string), got 42`,
        `${SOURCE} line 10, column 13: resources[0].port.entity.mappings.properties.readme: expected a jq expression (a string), got null`,
        `${SOURCE} line 11, column 21: resources[0].port.entity.mappings.properties.topics: expected a jq expression (a string), got a list`,
      ].join('\n'),
    );
  });

  test('file:// is for values, not for what decides the entity; property keys follow the blueprint rule', async () => {
    expect(
      await messageOf(
        yaml(
          'resources:',
          '  - kind: repository',
          '    port:',
          '      entity:',
          '        mappings:',
          '          identifier: file://IDENTIFIER',
          `          blueprint: '"service"'`,
          '          properties:',
          '            read.me: file://README.md',
          '            owners: file://',
        ),
      ),
    ).toBe(
      [
        `${SOURCE} line 6, column 23: resources[0].port.entity.mappings.identifier: file:// values are only allowed in title, icon, team, properties and relations`,
        `${SOURCE} line 9, column 13: resources[0].port.entity.mappings.properties["read.me"]: "read.me" is not a valid key (letters A-Z a-z, digits and @_=- only, 1 to 100 characters)`,
        `${SOURCE} line 10, column 21: resources[0].port.entity.mappings.properties.owners: "file://" names no file (expected file://<path in the repository>)`,
      ].join('\n'),
    );
  });
});
