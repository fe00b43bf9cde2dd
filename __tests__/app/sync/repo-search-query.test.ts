/**
 * `repoSearch` in port-app-config.yml: which kinds take it, its bounds (errors at their line and field), and what a
 * repository's own fields tell of a query without asking GitHub (true, false, or undefined: only GitHub can tell).
 */
import { describe, expect, test } from '@jest/globals';
import { ConfigError, KINDS, parsePortAppConfig } from '../../../app/sync/mapping/index.ts';
import {
  MAX_SEARCH_QUERY_LENGTH,
  repositorySearchQuery,
  accountSearchQuery,
  searchQueryProblem,
  searchTakes,
} from '../../../app/sync/repositories/search-query.ts';

const SOURCE = 'acme/.github:.github/port-app-config.yml';
const PORT = `    port: {entity: {mappings: {identifier: '.id | tostring', blueprint: '"thing"'}}}`;

async function problems(text: string): Promise<string[]> {
  try {
    await parsePortAppConfig(text, SOURCE);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('repoSearch in the configuration', () => {
  test('every kind but team, user, file and folder takes it, as the vendor documents', async () => {
    const searched = KINDS.filter((kind) => !['team', 'user', 'file', 'folder'].includes(kind));
    const config = await parsePortAppConfig(
      [
        'resources:',
        ...searched.flatMap((kind) => [
          `  - kind: ${kind}`,
          `    selector: {query: "true", repoSearch: {query: 'topic:payments archived:false'}}`,
          PORT,
        ]),
      ].join('\n'),
      SOURCE,
    );
    for (const resource of config.resources) {
      expect(resource.selector).toMatchObject({ repoSearch: { query: 'topic:payments archived:false' } });
    }
    for (const kind of ['team', 'user']) {
      const found = await problems(
        ['resources:', `  - kind: ${kind}`, `    selector: {repoSearch: {query: x}}`, PORT].join('\n'),
      );
      expect(found).toEqual([
        expect.stringContaining('line 3, column 16: resources[0].selector.repoSearch: unknown key'),
      ]);
    }
  });

  test('an empty query, or none, finds every repository (GitHub leaves forks out); unset, nothing is searched', async () => {
    const config = await parsePortAppConfig(
      [
        'resources:',
        '  - kind: repository',
        '    selector: {repoSearch: {}}',
        PORT,
        '  - kind: repository',
        '    selector: {repoSearch: {query: }}',
        PORT,
        '  - kind: repository',
        PORT,
      ].join('\n'),
      SOURCE,
    );
    expect(config.resources[0]!.selector).toMatchObject({ repoSearch: { query: '' } });
    expect(config.resources[1]!.selector).toMatchObject({ repoSearch: { query: '' } });
    expect(config.resources[2]!.selector).not.toHaveProperty('repoSearch');
  });

  test('hostile or mistaken queries are errors naming the field and line', async () => {
    const long = 'a'.repeat(MAX_SEARCH_QUERY_LENGTH + 1);
    const found = await problems(
      [
        'resources:',
        '  - kind: repository',
        `    selector: {repoSearch: {query: ${long}}}`,
        PORT,
        '  - kind: issue',
        `    selector: {repoSearch: {query: "a OR b OR c OR d OR e OR f NOT g"}}`,
        PORT,
        '  - kind: pull-request',
        `    selector: {repoSearch: {query: "x\\ny"}}`,
        PORT,
        '  - kind: release',
        `    selector: {repoSearch: {query: 'topic:"unclosed'}}`,
        PORT,
        '  - kind: tag',
        `    selector: {repoSearch: {query: 12, operators: {archived: false}}}`,
        PORT,
        '  - kind: branch',
        `    selector: {repoSearch: 'topic:x'}`,
        PORT,
      ].join('\n'),
    );
    expect(found).toEqual([
      `${SOURCE} line 3, column 36: resources[0].selector.repoSearch.query: must be at most ${MAX_SEARCH_QUERY_LENGTH} characters, got ${MAX_SEARCH_QUERY_LENGTH + 1}`,
      `${SOURCE} line 6, column 36: resources[1].selector.repoSearch.query: has 6 AND, OR or NOT operators; GitHub's search takes at most 5`,
      `${SOURCE} line 9, column 36: resources[2].selector.repoSearch.query: must be one line without control characters`,
      `${SOURCE} line 12, column 36: resources[3].selector.repoSearch.query: has a quote that is not closed`,
      `${SOURCE} line 15, column 36: resources[4].selector.repoSearch.query: expected a string, got 12`,
      `${SOURCE} line 15, column 40: resources[4].selector.repoSearch.operators: unknown key (expected one of: query)`,
      `${SOURCE} line 18, column 28: resources[5].selector.repoSearch: expected a mapping, got "topic:x"`,
    ]);
    expect(searchQueryProblem('topic:payments archived:false')).toBeUndefined();
  });
});

describe('the queries sent to GitHub', () => {
  test("an account's search names the organization (or user); a live check names the repository", () => {
    expect(accountSearchQuery('acme', 'Organization', 'topic:x')).toBe('org:acme topic:x');
    expect(accountSearchQuery('octocat', 'User', '')).toBe('user:octocat');
    expect(repositorySearchQuery('acme', 'api', 'dev in:name')).toBe('repo:acme/api dev in:name');
  });
});

describe("a repository's fields against a query", () => {
  const repository = {
    id: 1,
    name: 'payments-api',
    full_name: 'acme/payments-api',
    owner: { login: 'acme' },
    private: true,
    visibility: 'private',
    fork: false,
    archived: false,
    is_template: false,
    mirror_url: null,
    topics: ['payments', 'Go'],
    language: 'Go',
    license: { key: 'mit' },
    stargazers_count: 12,
    forks_count: 3,
    size: 2048,
    created_at: '2021-03-10T08:00:00Z',
    pushed_at: 1_750_000_000,
  };

  test.each([
    ['', true],
    ['topic:payments', true],
    ['topic:PAYMENTS archived:false', true],
    ['topic:billing', false],
    ['-topic:payments', false],
    ['archived:true', false],
    ['is:private', true],
    ['is:public', false],
    ['is:internal', false],
    ['org:acme', true],
    ['org:other', false],
    ['user:ACME', true],
    ['repo:acme/payments-api', true],
    ['repo:acme/other', false],
    ['language:go', true],
    ['language:python', undefined],
    ['license:mit', true],
    ['license:apache-2.0', undefined],
    ['stars:>10', true],
    ['stars:>12', false],
    ['stars:10..20 forks:<5', true],
    ['stars:*..11', false],
    ['size:>=2048', true],
    ['topics:2', true],
    ['topics:>2', false],
    ['created:>2020-01-01', true],
    ['created:<2021-03-10', undefined],
    ['created:2021-01-01..2021-12-31', true],
    ['pushed:>2026-01-01', false],
    ['mirror:false template:false', true],
    ['fork:true', true],
    ['fork:only', false],
    ['dev in:name', undefined],
    ['dev in:name archived:true', false],
    ['topic:payments OR topic:billing', undefined],
    ['NOT legacy', undefined],
    ['(topic:a)', undefined],
    ['props.team:core', undefined],
    ['topic:payments AND archived:false', true],
  ])('%j is %s', (query, expected) => {
    expect(searchTakes(query, repository)).toBe(expected);
  });

  test('forks are left out unless the query takes them, as GitHub does', () => {
    const fork = { ...repository, fork: true };
    expect(searchTakes('topic:payments', fork)).toBe(false);
    expect(searchTakes('topic:payments fork:true', fork)).toBe(true);
    expect(searchTakes('fork:only', fork)).toBe(true);
  });

  test('what a repository does not carry is left to GitHub', () => {
    const ref = { id: 1, name: 'payments-api' };
    expect(searchTakes('topic:payments', ref)).toBeUndefined();
    // A repository read with GraphQL lists 20 topics: the 21st may be the one.
    const many = { ...repository, topics: Array.from({ length: 20 }, (_, index) => `t${index}`) };
    expect(searchTakes('topic:payments', many)).toBeUndefined();
    expect(searchTakes('topic:t3', many)).toBe(true);
    // Without `visibility`, private may be internal.
    const { visibility: _visibility, ...bare } = repository;
    expect(searchTakes('is:private', bare)).toBeUndefined();
    expect(searchTakes('is:public', bare)).toBe(false);
  });
});
