/**
 * GitHub's search lists at most 1,000 results: a repoSearch that finds more is split by creation time until each
 * part lists everything it finds, so that a large organization is covered whole; a query that cannot be split is an
 * error saying why, never a silently short list (which a resync would take as the rest being gone).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { GraphqlRead } from '../../../app/sync/github/graphql-reader.ts';
import { SearchLimitError, searchRepositories } from '../../../app/sync/repositories/repository-search.ts';
import { type FakeGithub, startFakeGithub } from '../../helpers/fake-github.ts';

const ORG = 'bigco';
const DAY_MS = 86_400_000;

let github: FakeGithub;

/** GraphQL against the fake GitHub, failing as Octokit does on errors. */
const read: GraphqlRead = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
  const response = await fetch(`${github.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors.map((error) => error.message).join('; '));
  return body.data!;
};

const searches = () => github.requests.filter((request) => request.operation === 'WharfRepositorySearch');

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, 7171);
  const start = Date.UTC(2015, 0, 1);
  for (let index = 0; index < 2_400; index++) {
    github.addRepository({
      id: 100_000 + index,
      name: `service-${String(index).padStart(4, '0')}`,
      owner: ORG,
      topics: index % 2 === 0 ? ['bulk'] : ['bulk', 'odd'],
      archived: index >= 2_300,
      createdAt: new Date(start + index * DAY_MS).toISOString(),
    });
  }
  // 1,001 created in the same second: no split of creation time can list them.
  for (let index = 0; index < 1_001; index++) {
    github.addRepository({
      id: 200_000 + index,
      name: `burst-${String(index).padStart(4, '0')}`,
      owner: ORG,
      topics: ['burst'],
      createdAt: '2020-05-05T05:05:05Z',
    });
  }
});
afterAll(async () => {
  await github.close();
});

test('a query that finds 2,300 repositories is split by creation time and listed whole, in name order', async () => {
  github.reset();
  const found = await searchRepositories(read, ORG, 'topic:bulk archived:false');
  expect(found).toHaveLength(2_300);
  expect(new Set(found.map((repository) => repository.id)).size).toBe(2_300);
  expect(found[0]).toEqual({
    id: 100_000,
    nodeId: 'R_100000',
    name: 'service-0000',
    owner: ORG,
    defaultBranch: 'main',
    isPrivate: false,
    isFork: false,
  });
  expect(found.at(-1)!.name).toBe('service-2299');
  // The whole query once, then halves of the creation range until each lists what it finds: 23 pages of results,
  // and a few counts besides.
  const queries = searches().map((request) => String(request.variables?.search));
  expect(queries[0]).toBe(`org:${ORG} topic:bulk archived:false`);
  expect(
    queries.slice(1).every((query) => /^org:bigco topic:bulk archived:false created:\S+\.\.\S+$/.test(query)),
  ).toBe(true);
  expect(queries.length).toBeLessThan(60);
});

test('a query at most 1,000 repositories of which is listed without splitting', async () => {
  github.reset();
  const found = await searchRepositories(read, ORG, 'topic:odd created:>2019-01-01');
  // Odd ones created after 2019-01-01 (day 1461): 1463, 1465, ..., 2399.
  expect(found.map((repository) => repository.id - 100_000)).toEqual(
    Array.from({ length: 469 }, (_, index) => 1463 + 2 * index),
  );
  expect(searches().every((request) => !/created:\S+\.\./.test(String(request.variables?.search)))).toBe(true);
});

test('a query that narrows creation itself is not split: too many is an error naming the query and the count', async () => {
  await expect(searchRepositories(read, ORG, 'topic:bulk created:>2010-01-01')).rejects.toThrow(
    new SearchLimitError(
      '"topic:bulk created:>2010-01-01" finds 2400 repositories of bigco; GitHub\'s search lists at most 1000, and the query narrows creation dates itself, so wharf cannot split it by them: narrow it',
    ),
  );
});

test('more than 1,000 created within one second is an error', async () => {
  await expect(searchRepositories(read, ORG, 'topic:burst')).rejects.toThrow(
    /"topic:burst" finds more than 1000 repositories of bigco created within one second/,
  );
});
