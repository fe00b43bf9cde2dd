import { describe, expect, test } from '@jest/globals';
import { evaluateJq } from '../../../../src/jq/index.ts';
import {
  compileResourceMapping,
  DEFAULT_PORT_APP_CONFIG,
  parsePortAppConfig,
  type CompiledMapping,
} from '../../../../app/sync/mapping/index.ts';
import { recorded } from './payloads.ts';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** The compiled mappings of a port-app-config.yml, one per resource. */
async function compile(text: string): Promise<CompiledMapping[]> {
  const config = await parsePortAppConfig(text, 'org/.github-private:port-app-config.yml');
  return config.resources.map((resource) => compileResourceMapping(resource));
}

async function compileOne(text: string): Promise<CompiledMapping> {
  const [mapping] = await compile(text);
  return mapping!;
}

const codertocat = () => recorded('repository', 'repository', 'publicized', (repo) => repo.language === 'Ruby');
const octocoders = () => recorded('repository', 'repository', 'created');
const pullRequest = () => recorded('pull_request', 'pull_request', 'assigned');
const workflowRun = () => recorded('workflow_run', 'workflow_run', 'completed', (run) => run.conclusion === 'success');

describe('the vendor documented mappings over recorded payloads', () => {
  test('repository -> service (identifier and title from the name, readme from file://README.md)', async () => {
    const mapping = await compileOne(
      yaml(
        'resources:',
        '  - kind: repository',
        '    selector:',
        '      query: "true"',
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
      ),
    );
    expect(mapping.filesToFetch).toEqual(['README.md']);
    const results = await mapping.map([codertocat(), octocoders()]);
    expect(results).toEqual([
      {
        index: 0,
        item: 'Codertocat/Hello-World',
        status: 'mapped',
        errors: [],
        entities: [
          {
            blueprint: 'service',
            identifier: 'Hello-World',
            title: 'Hello-World',
            properties: {
              readme: 'file://README.md',
              url: 'https://github.com/Codertocat/Hello-World',
              defaultBranch: 'master',
            },
            relations: {},
          },
        ],
      },
      {
        index: 1,
        item: 'Octocoders/Hello-World',
        status: 'mapped',
        errors: [],
        entities: [
          {
            blueprint: 'service',
            identifier: 'Hello-World',
            title: 'Hello-World',
            properties: {
              readme: 'file://README.md',
              url: 'https://github.com/Octocoders/Hello-World',
              defaultBranch: 'master',
            },
            relations: {},
          },
        ],
      },
    ]);
  });

  test('pull-request -> githubPullRequest with a relation to its service', async () => {
    const mapping = await compileOne(
      yaml(
        'resources:',
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
        '            reviewers: "[.requested_reviewers[].login]"',
        '            status: ".state"',
        '            closedAt: ".closed_at"',
        '            updatedAt: ".updated_at"',
        '            mergedAt: ".merged_at"',
        '            prNumber: ".id"',
        '            link: ".html_url"',
        '          relations:',
        '            service: .head.repo.name',
      ),
    );
    const [result] = await mapping.map([pullRequest()]);
    expect(result).toEqual({
      index: 0,
      item: 'Codertocat/Hello-World#2',
      status: 'mapped',
      errors: [],
      entities: [
        {
          blueprint: 'githubPullRequest',
          identifier: 'Hello-World279147437',
          title: 'Update the README with new information.',
          properties: {
            creator: 'Codertocat',
            assignees: ['Codertocat'],
            reviewers: ['octocat'],
            status: 'open',
            closedAt: null,
            updatedAt: '2019-05-15T15:20:33Z',
            mergedAt: null,
            prNumber: 279147437,
            link: 'https://github.com/Codertocat/Hello-World/pull/2',
          },
          relations: { service: 'Hello-World' },
        },
      ],
    });
  });

  test('workflow-run -> githubWorkflowRun related to its workflow', async () => {
    const mapping = await compileOne(
      yaml(
        'resources:',
        '  - kind: workflow-run',
        '    selector:',
        '      query: "true"',
        '    port:',
        '      entity:',
        '        mappings:',
        '          identifier: ".repository.name + (.id|tostring)"',
        '          title: ".display_title"',
        `          blueprint: '"githubWorkflowRun"'`,
        '          properties:',
        '            name: ".name"',
        '            triggeringActor: ".triggering_actor.login"',
        '            status: ".status"',
        '            conclusion: ".conclusion"',
        '            runStartedAt: ".run_started_at"',
        '            runNumber: ".run_number"',
        '            runAttempt: ".run_attempt"',
        '            link: ".html_url"',
        '          relations:',
        '            workflow: ".repository.name + (.workflow_id|tostring)"',
      ),
    );
    const [result] = await mapping.map([workflowRun()]);
    expect(result).toEqual({
      index: 0,
      item: 'octo-org/octo-repo workflow run 289782451',
      status: 'mapped',
      errors: [],
      entities: [
        {
          blueprint: 'githubWorkflowRun',
          identifier: 'octo-repo289782451',
          title: 'ci(action): update actions/setup-node digest to 8c91899',
          properties: {
            name: '',
            triggeringActor: 'Codertocat',
            status: 'completed',
            conclusion: 'success',
            runStartedAt: '2020-10-05T16:33:49Z',
            runNumber: 163,
            runAttempt: 1,
            link: 'https://github.com/octo-org/octo-repo/actions/runs/289782451',
          },
          relations: { workflow: 'octo-repo2823525' },
        },
      ],
    });
  });
});

describe('a custom mapping: selector.query, relations and itemsToParse', () => {
  const config = yaml(
    'createMissingRelatedEntities: true',
    'resources:',
    '  - kind: repository',
    '    selector:',
    '      query: .language == "Ruby" and (.archived | not)',
    '    port:',
    '      entity:',
    '        mappings:',
    '          identifier: .full_name | gsub("/"; "_")',
    '          title: .name',
    `          blueprint: '"rubyService"'`,
    '          team: .owner.login',
    '          properties:',
    '            private: .private',
    '          relations:',
    '            organization: .owner.login',
    '  - kind: pull-request',
    '    selector:',
    '      query: .item.name != "wontfix" # every label but this one',
    '    port:',
    '      itemsToParse: .labels',
    '      entity:',
    '        mappings:',
    '          identifier: .base.repo.name + "-" + (.number | tostring) + "-" + .item.name',
    '          title: .item.name + " on " + .title',
    `          blueprint: '"pullRequestLabel"'`,
    '          properties:',
    '            color: \'"#" + .item.color\'',
    '            pullRequestState: .state',
    '          relations:',
    '            pullRequest: .head.repo.name + (.id|tostring)',
    '            labelledBy: "[.assignees[].login]"',
  );

  test('the selector skips the objects it is false for', async () => {
    const [repositories] = await compile(config);
    const results = await repositories!.map([codertocat(), octocoders()]);
    expect(results.map((result) => [result.item, result.status])).toEqual([
      ['Codertocat/Hello-World', 'mapped'],
      ['Octocoders/Hello-World', 'skipped'],
    ]);
    expect(results[0]!.entities).toEqual([
      {
        blueprint: 'rubyService',
        identifier: 'Codertocat_Hello-World',
        title: 'Hello-World',
        team: 'Codertocat',
        properties: { private: false },
        relations: { organization: 'Codertocat' },
      },
    ]);
    expect(results[1]).toEqual({
      index: 1,
      item: 'Octocoders/Hello-World',
      status: 'skipped',
      entities: [],
      errors: [],
    });
  });

  test('itemsToParse: one entity per element at .item, with the pull request still at .', async () => {
    const [, labels] = await compile(config);
    const pr = pullRequest();
    // The recorded pull request has one label, "bug"; give it two more.
    const bug = (pr.labels as Record<string, unknown>[])[0]!;
    pr.labels = [bug, { ...bug, name: 'wontfix', color: 'ffffff' }, { ...bug, name: 'docs', color: '0075ca' }];
    const [result] = await labels!.map([pr]);
    expect(result!.status).toBe('mapped');
    expect(result!.entities).toEqual([
      {
        blueprint: 'pullRequestLabel',
        identifier: 'Hello-World-2-bug',
        title: 'bug on Update the README with new information.',
        properties: { color: '#d73a4a', pullRequestState: 'open' },
        relations: { pullRequest: 'Hello-World279147437', labelledBy: ['Codertocat'] },
      },
      {
        blueprint: 'pullRequestLabel',
        identifier: 'Hello-World-2-docs',
        title: 'docs on Update the README with new information.',
        properties: { color: '#0075ca', pullRequestState: 'open' },
        relations: { pullRequest: 'Hello-World279147437', labelledBy: ['Codertocat'] },
      },
    ]);
  });

  test('an element that fails is named by its position; the other elements still map', async () => {
    const [, labels] = await compile(config);
    const pr = pullRequest();
    const bug = (pr.labels as Record<string, unknown>[])[0]!;
    pr.labels = [bug, { name: 'numbered', color: 5 }];
    const [result] = await labels!.map([pr]);
    expect(result!.status).toBe('failed');
    expect(result!.entities.map((entity) => entity.identifier)).toEqual(['Hello-World-2-bug']);
    expect(result!.errors).toEqual([
      {
        index: 0,
        item: 'Codertocat/Hello-World#2',
        element: 1,
        field: 'properties.color',
        reason: 'string ("#") and number (5) cannot be added',
        message:
          'Codertocat/Hello-World#2 (itemsToParse element 1): properties.color: string ("#") and number (5) cannot be added',
      },
    ]);
  });

  test('itemsToParse that gives no elements (or null: none there) skips the object; one that is not an array is an error', async () => {
    const [, labels] = await compile(config);
    const unlabelled = { ...pullRequest(), labels: [] };
    const broken = { ...pullRequest(), labels: { name: 'bug' } };
    const missing = { ...pullRequest(), labels: null };
    const results = await labels!.map([unlabelled, broken, missing]);
    expect(results.map((result) => result.status)).toEqual(['skipped', 'failed', 'skipped']);
    expect(results[1]!.errors.map((error) => error.message)).toEqual([
      'Codertocat/Hello-World#2: port.itemsToParse: expected an array, got a mapping',
    ]);
    expect(results[2]!.errors).toEqual([]);
  });
});

describe('errors name the item, the field and what jq said; other items map all the same', () => {
  test('runtime jq errors, a null identifier and a selector that is not a boolean', async () => {
    const mapping = await compileOne(
      yaml(
        'resources:',
        '  - kind: repository',
        '    selector:',
        '      query: if .name == "Hello-World" then true else .language end',
        '    port:',
        '      entity:',
        '        mappings:',
        '          identifier: if .owner.login == "Octocoders" then .description else .name end',
        '          title: .name',
        `          blueprint: '"service"'`,
        '          properties:',
        '            size: .size + 1',
        '            upper: .language | ascii_upcase',
        `            custom: 'if .fork then error({reason: "forks are not services"}) else null end'`,
      ),
    );
    const results = await mapping.map([codertocat(), octocoders(), { ...codertocat(), name: 'Other' }]);
    expect(results.map((result) => result.status)).toEqual(['mapped', 'failed', 'failed']);
    expect(results[0]!.entities[0]).toMatchObject({ identifier: 'Hello-World', properties: { upper: 'RUBY' } });
    expect(results.flatMap((result) => result.errors.map((error) => error.message))).toEqual([
      'Octocoders/Hello-World: identifier: must be a string, got null',
      'Octocoders/Hello-World: properties.upper: explode input must be a string',
      'Octocoders/Hello-World: properties.custom: {"reason":"forks are not services"} (not a string)',
      'Codertocat/Hello-World: selector.query: expected true or false, got "Ruby"',
    ]);
    expect(results[1]!.errors[0]).toEqual({
      index: 1,
      item: 'Octocoders/Hello-World',
      field: 'identifier',
      reason: 'must be a string, got null',
      message: 'Octocoders/Hello-World: identifier: must be a string, got null',
    });
  });

  test('an identifier or relation that breaks the rule is an error naming it', async () => {
    const mapping = await compileOne(
      yaml(
        'resources:',
        '  - kind: repository',
        '    port:',
        '      entity:',
        '        mappings:',
        '          identifier: .description // .name',
        '          blueprint: .blueprint // "service"',
        '          title: .title',
        '          properties: {}',
        '          relations:',
        '            owner: .owner.login + " (owner)"',
      ),
    );
    const results = await mapping.map([
      { ...codertocat(), description: 'Hello World!' },
      { ...codertocat(), name: '..' },
      { ...codertocat(), description: 'x'.repeat(1001) },
      { ...codertocat(), blueprint: 'ser=vice', title: 7 },
    ]);
    const notEntity =
      'is not a valid entity identifier (letters, digits and @_.+:\\/=- only, 1 to 1000 characters, not "." or "..")';
    const owner = `Codertocat/Hello-World: relations.owner: "Codertocat (owner)" ${notEntity}`;
    expect(results.map((result) => result.errors.map((error) => error.message))).toEqual([
      [`Codertocat/Hello-World: identifier: "Hello World!" ${notEntity}`, owner],
      [`Codertocat/Hello-World: identifier: ".." ${notEntity}`, owner],
      [`Codertocat/Hello-World: identifier: "${'x'.repeat(57)}..." ${notEntity}`, owner],
      [
        'Codertocat/Hello-World: title: must be a string or null, got 7',
        'Codertocat/Hello-World: blueprint: "ser=vice" is not a valid blueprint identifier (letters, digits and @_.+:\\/- only, 1 to 100 characters, not "." or "..")',
        owner,
      ],
    ]);
    expect(results.every((result) => result.status === 'failed' && result.entities.length === 0)).toBe(true);
  });

  test('items that are not objects are errors of their own', async () => {
    const mapping = await compileOne(
      yaml(
        'resources:',
        '  - kind: repository',
        `    port: {entity: {mappings: {identifier: .name, blueprint: '"service"'}}}`,
      ),
    );
    const results = await mapping.map([codertocat(), ['not', 'a', 'repository'] as unknown as object]);
    expect(results.map((result) => result.status)).toEqual(['mapped', 'failed']);
    expect(results[1]!.errors[0]!.message).toBe('items[1]: item: expected a GitHub object, got a list');
  });
});

describe('one jq run per batch', () => {
  test('1,000 repositories are mapped with a single jq evaluation', async () => {
    const [resource] = (
      await parsePortAppConfig(
        yaml(
          'resources:',
          '  - kind: repository',
          '    selector:',
          '      query: .name | endswith("7") | not',
          '      includedFiles: [CODEOWNERS]',
          '    port:',
          '      entity:',
          '        mappings:',
          '          identifier: .name',
          '          title: .full_name',
          `          blueprint: '"service"'`,
          '          properties:',
          '            url: .html_url',
          '            language: .language',
          '            codeowners: .__includedFiles["CODEOWNERS"]',
          '            readme: file://README.md',
          '          relations:',
          '            owner: .owner.login',
        ),
        'test',
      )
    ).resources;
    const runs: string[] = [];
    const mapping = compileResourceMapping(resource!, {
      evaluate: (program, input) => {
        runs.push(program);
        return evaluateJq(program, input);
      },
    });
    const base = codertocat();
    const repositories = Array.from({ length: 1000 }, (_, index) => ({
      ...base,
      name: `service-${index}`,
      full_name: `Codertocat/service-${index}`,
    }));
    const includedFiles = repositories.map((_, index) => ({ CODEOWNERS: `* @team-${index % 10}` }));

    const results = await mapping.map(repositories, { includedFiles });

    expect(runs).toEqual([mapping.program]);
    expect(results).toHaveLength(1000);
    expect(results.filter((result) => result.status === 'skipped')).toHaveLength(100);
    expect(results.filter((result) => result.status === 'mapped')).toHaveLength(900);
    expect(results[123]!.entities).toEqual([
      {
        blueprint: 'service',
        identifier: 'service-123',
        title: 'Codertocat/service-123',
        properties: {
          url: 'https://github.com/Codertocat/Hello-World',
          language: 'Ruby',
          codeowners: '* @team-3',
          readme: 'file://README.md',
        },
        relations: { owner: 'Codertocat' },
      },
    ]);

    // A second batch is a second run of the same program, never one per item.
    await mapping.map(repositories.slice(0, 10));
    expect(runs).toHaveLength(2);
  });

  test('an empty batch runs nothing', async () => {
    const [resource] = DEFAULT_PORT_APP_CONFIG.resources;
    let runs = 0;
    const mapping = compileResourceMapping(resource!, {
      evaluate: (program, input) => {
        runs += 1;
        return evaluateJq(program, input);
      },
    });
    expect(await mapping.map([])).toEqual([]);
    expect(runs).toBe(0);
  });
});
