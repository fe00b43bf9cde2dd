/** The 18 kinds in port-app-config.yml: each kind's selector options, defaults, and errors at their position. */
import { describe, expect, test } from '@jest/globals';
import { ConfigError, KINDS, parsePortAppConfig } from '../../../../app/sync/mapping/index.ts';

const SOURCE = 'org/.github:port-app-config.yml';
const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const PORT = `    port: {entity: {mappings: {identifier: '.id | tostring', blueprint: '"thing"'}}}`;

async function problemsOf(text: string, unsupported?: string): Promise<string[]> {
  try {
    await parsePortAppConfig(text, SOURCE, {
      unsupportedKind: (kind) => (kind === unsupported ? `wharf does not sync the kind "${kind}" yet` : undefined),
    });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('every kind of the vendor GitHub integration', () => {
  test('each of the 18 kinds parses without a selector, with its defaults', async () => {
    const withSelectorNeeded: Record<string, string> = {
      file: `    selector: {files: [{path: package.json}]}`,
      folder: `    selector: {folders: [{path: 'apps/*', repos: [monorepo]}]}`,
    };
    const text = yaml(
      'resources:',
      ...KINDS.flatMap((kind) => [
        `  - kind: ${kind}`,
        ...(withSelectorNeeded[kind] ? [withSelectorNeeded[kind]] : []),
        PORT,
      ]),
    );
    const config = await parsePortAppConfig(text, SOURCE);
    expect(config.resources.map((resource) => resource.kind)).toEqual([...KINDS]);
    const selector = (kind: string) => config.resources.find((resource) => resource.kind === kind)!.selector;
    expect(selector('pull-request')).toEqual({ query: 'true', states: ['open'], maxResults: 100, since: 60 });
    expect(selector('issue')).toEqual({ query: 'true', state: 'open' });
    expect(selector('dependabot-alert')).toEqual({ query: 'true', states: ['open'] });
    expect(selector('secret-scanning-alerts')).toEqual({ query: 'true', state: 'open', hideSecret: true });
    expect(selector('team')).toEqual({ query: 'true', members: true });
    expect(selector('user')).toEqual({ query: 'true', includeBots: true });
    expect(selector('branch')).toEqual({ query: 'true', detailed: false, protectionRules: false });
    expect(selector('file')).toEqual({
      query: 'true',
      files: [{ path: 'package.json', skipParsing: false, validationCheck: false }],
    });
    expect(selector('folder')).toEqual({
      query: 'true',
      folders: [{ path: 'apps/*', repos: [{ name: 'monorepo' }] }],
    });
    expect(config.repositoryType).toBe('all');
  });

  test("the vendor's selector options are read, one value standing for a list of one", async () => {
    const config = await parsePortAppConfig(
      yaml(
        'repositoryType: private',
        'resources:',
        '  - kind: pull-request',
        '    selector: {query: "true", states: [open, closed], maxResults: 50, since: 30}',
        PORT,
        '  - kind: dependabot-alert',
        '    selector: {states: open, severity: [high, critical]}',
        PORT,
        '  - kind: file',
        '    selector:',
        '      files:',
        '        - path: "**/package.json"',
        '          repos: [api, {name: web, branch: develop}]',
        '          skipParsing: true',
        PORT,
      ),
      SOURCE,
    );
    expect(config.repositoryType).toBe('private');
    expect(config.resources[0]!.selector).toMatchObject({ states: ['open', 'closed'], maxResults: 50, since: 30 });
    expect(config.resources[1]!.selector).toMatchObject({ states: ['open'], severity: ['high', 'critical'] });
    expect(config.resources[2]!.selector).toMatchObject({
      files: [
        { path: '**/package.json', repos: [{ name: 'api' }, { name: 'web', branch: 'develop' }], skipParsing: true },
      ],
    });
  });

  test('a folder pattern without repos reads every repository', async () => {
    const config = await parsePortAppConfig(
      yaml('resources:', '  - kind: folder', "    selector: {folders: [{path: 'services/*'}]}", PORT),
      SOURCE,
    );
    expect(config.resources[0]!.selector).toEqual({ query: 'true', folders: [{ path: 'services/*' }] });
  });

  test("the vendor documentation's dependabot `state:` stands for `states:`", async () => {
    const config = await parsePortAppConfig(
      yaml('resources:', '  - kind: dependabot-alert', '    selector: {query: "true", state: [open, fixed]}', PORT),
      SOURCE,
    );
    expect(config.resources[0]!.selector).toEqual({ query: 'true', states: ['open', 'fixed'] });
  });

  test('a selector key the kind does not have is refused at its line and column, with the keys it has', async () => {
    expect(
      await problemsOf(yaml('resources:', '  - kind: issue', '    selector: {query: "true", states: [open]}', PORT)),
    ).toEqual([
      `${SOURCE} line 3, column 31: resources[0].selector.states: unknown key (expected one of: query, state, labels, repoSearch)`,
    ]);
  });

  test('a wrong value names the field and what it takes', async () => {
    expect(
      await problemsOf(
        yaml(
          'repositoryType: secret',
          'resources:',
          '  - kind: pull-request',
          '    selector: {maxResults: 1000, states: [merged]}',
          PORT,
          '  - kind: file',
          PORT,
        ),
      ),
    ).toEqual([
      `${SOURCE} line 1, column 17: repositoryType: expected "all" or "public" or "private" or "forks" or "sources" or "member", got "secret"`,
      `${SOURCE} line 4, column 28: resources[0].selector.maxResults: must be at most 300`,
      `${SOURCE} line 4, column 43: resources[0].selector.states[0]: expected "open" or "closed", got "merged"`,
      `${SOURCE} line 6, column 5: resources[1].selector: required`,
    ]);
  });

  test('a kind this installation cannot sync is an error at its kind, never silently skipped', async () => {
    expect(await problemsOf(yaml('resources:', '  - kind: team', PORT), 'team')).toEqual([
      `${SOURCE} line 2, column 11: resources[0].kind: wharf does not sync the kind "team" yet`,
    ]);
  });
});
