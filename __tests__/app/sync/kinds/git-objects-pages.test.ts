/**
 * The paging of pull requests, issues, releases, tags and branches over fake reads: checkpoints that resume, limits
 * per repository, cursors GitHub does not move, selector options in `selects`, and a protection rule the App may not
 * read.
 */
import { describe, expect, test } from '@jest/globals';
import { branchKind } from '../../../../app/sync/kinds/branch.ts';
import { issueKind } from '../../../../app/sync/kinds/issue.ts';
import type { KindObject, ResyncReads } from '../../../../app/sync/kinds/kind-definition.ts';
import { pullRequestKind } from '../../../../app/sync/kinds/pull-request.ts';
import { tagKind } from '../../../../app/sync/kinds/tag.ts';
import { daysAgo, fakeBranch, fakePullRequest, fakeTag } from '../../../helpers/fake-git-objects.ts';

const REPOSITORY = { id: 2, name: 'alpha', owner: 'acme', defaultBranch: 'main' };
const selector = <T>(options: T) => ({ query: 'true', ...options });
const prSelector = (options: Record<string, unknown> = {}) =>
  selector({ states: ['open'] as Array<'open' | 'closed'>, maxResults: 100, since: 60, ...options });

/** Reads answering one repository whose connection (by alias) pages `nodes`; `stuck`: cursors never move. */
function reads(nodes: Record<string, unknown[]>, options: { stuck?: boolean; errors?: unknown[] } = {}) {
  const calls: string[] = [];
  const connection = (alias: string, first: number, after: string | null) => {
    const all = nodes[alias] ?? [];
    const start = options.stuck ? 0 : after === null ? 0 : Number(after);
    const slice = all.slice(start, start + first);
    return {
      totalCount: all.length,
      pageInfo: { hasNextPage: start + first < all.length, endCursor: options.stuck ? '0' : String(start + first) },
      nodes: slice,
    };
  };
  const parse = (text: string) =>
    [...text.matchAll(/(\w+): \w+\(first: (\d+)(?:, after: (\$\w+))?/g)].map((match) => ({
      alias: match[1]!,
      first: Number(match[2]),
      after: match[3],
    }));
  const countOnly = (text: string) => /\{\s*totalCount\s*\}/.test(text);
  const fake = {
    owner: 'acme',
    apiUrl: 'https://api.github.com',
    rest: async () => ({}),
    restPage: async () => ({ data: [], next: null }),
    repositories: async () => [REPOSITORY],
    async repositoryPage(selection: string) {
      calls.push('page');
      const node: Record<string, unknown> = {};
      for (const { alias, first } of parse(selection)) {
        const answered = connection(alias, first, null);
        node[alias] = countOnly(selection) ? { totalCount: answered.totalCount } : answered;
      }
      return { repositories: [{ ...REPOSITORY, node }], next: null };
    },
    async graphql(query: string, variables: Record<string, unknown>) {
      calls.push('followUp');
      const data: Record<string, unknown> = {};
      const blocks = query.split(/\n\s*r(\d+): repository/).slice(1);
      for (let index = 0; index < blocks.length; index += 2) {
        const { alias, first } = parse(blocks[index + 1]!)[0]!;
        const after = variables[`after${blocks[index]}`] as string | null;
        data[`r${blocks[index]}`] = { [alias]: connection(alias, first, after) };
      }
      if (options.errors) throw Object.assign(new Error('partial'), { data, errors: options.errors });
      return data;
    },
  };
  return { reads: fake as unknown as ResyncReads, calls };
}

async function all(
  kind: {
    resyncPage: (r: ResyncReads, s: never, c: string | null) => Promise<{ objects: KindObject[]; next: string | null }>;
  },
  read: ResyncReads,
  chosen: unknown,
): Promise<{ objects: KindObject[]; pages: number }> {
  const objects: KindObject[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    // Each page starts from the saved cursor alone, as a resync resumed after a restart does.
    const page = await kind.resyncPage(read, chosen as never, cursor === null ? null : String(cursor));
    objects.push(...page.objects);
    cursor = page.next;
    pages++;
  } while (cursor !== null && pages < 100);
  return { objects, pages };
}

/** Fake pull requests with their nested connections answered as GitHub answers them (`nodes`). */
const pulls = (count: number, state: 'OPEN' | 'CLOSED' = 'OPEN', updatedDaysAgo = 1, from = 1) =>
  Array.from({ length: count }, (_, index) => {
    const pull = fakePullRequest(REPOSITORY, from + index, { state, updatedDaysAgo });
    for (const field of ['assignees', 'labels', 'reviewRequests']) pull[field] = { nodes: pull[field] };
    return pull;
  });

describe('pull requests', () => {
  test('open ones are counted, then read 50 at a time; closed ones up to maxResults within since', async () => {
    const fake = reads({
      open: pulls(120),
      closed: [...pulls(5, 'CLOSED', 2, 200), ...pulls(3, 'CLOSED', 80, 300)],
    });
    const { objects } = await all(
      pullRequestKind,
      fake.reads,
      prSelector({ states: ['open', 'closed'], maxResults: 4 }),
    );
    expect(objects.filter((object) => (object.object as { state: string }).state === 'open')).toHaveLength(120);
    expect(objects.filter((object) => (object.object as { state: string }).state === 'closed')).toHaveLength(4);
    expect(fake.calls).toEqual(['page', 'followUp', 'followUp', 'followUp']);
    expect(objects[0]).toMatchObject({
      item: '1',
      repository: REPOSITORY,
      object: {
        number: 1,
        state: 'open',
        user: { login: 'octocat' },
        head: { ref: 'feature-1', repo: { name: 'alpha' } },
        base: { ref: 'main', repo: { full_name: 'acme/alpha' } },
        requested_reviewers: [{ login: 'hubot' }],
        requested_teams: [{ slug: 'platform' }],
        labels: [{ name: 'bug' }],
        assignees: [{ login: 'monalisa' }],
        url: 'https://api.github.com/repos/acme/alpha/pulls/1',
        __repository: 'alpha',
        __organization: 'acme',
      },
    });
  });

  test('closed ones stop at the first one older than since; the legacy closedPullRequests reads them too', async () => {
    const fake = reads({ closed: [...pulls(2, 'CLOSED', 5), ...pulls(60, 'CLOSED', 90, 10)] });
    const { objects } = await all(
      pullRequestKind,
      fake.reads,
      prSelector({ closedPullRequests: true, maxResults: 300 }),
    );
    expect(objects.map((object) => object.item)).toEqual(['1', '2']);
  });

  test('selects: state in states, closed ones within since days', () => {
    const now = Date.now();
    const select = (options: Record<string, unknown>, object: object) =>
      pullRequestKind.selects!(prSelector(options) as never, object, now);
    expect(select({}, { state: 'open' })).toBe(true);
    expect(select({}, { state: 'closed', updated_at: daysAgo(1) })).toBe(false);
    expect(select({ states: ['closed'] }, { state: 'open' })).toBe(false);
    expect(select({ states: ['closed'] }, { state: 'closed', updated_at: daysAgo(1) })).toBe(true);
    expect(select({ states: ['closed'], since: 7 }, { state: 'closed', updated_at: daysAgo(8) })).toBe(false);
  });

  test('a cursor GitHub does not move is an error naming the repository, not an endless resync', async () => {
    const fake = reads({ open: pulls(120) }, { stuck: true });
    await expect(all(pullRequestKind, fake.reads, prSelector())).rejects.toThrow(
      /pullRequests of acme\/alpha \(pull-request\) did not move past cursor "0"/,
    );
  });
});

describe('follow-ups over many pages of repositories', () => {
  /**
   * Reads of 350 repositories in pages of 100, every 10th with 20 open pull requests (35 in all); records the
   * repositories each follow-up names and whether a page of repositories came before.
   */
  function manyRepositories() {
    const repositories = Array.from({ length: 350 }, (_, index) => ({
      id: 1000 + index,
      name: `svc-${String(index).padStart(3, '0')}`,
      owner: 'acme',
      defaultBranch: 'main',
    }));
    const openOf = (index: number) => (index % 10 === 0 ? pulls(20) : []);
    const calls: Array<{ page: number } | { followUp: string[] }> = [];
    const fake = {
      owner: 'acme',
      apiUrl: 'https://api.github.com',
      async repositoryPage(_selection: string, options: { cursor: string | null; pageSize: number }) {
        const start = options.cursor === null ? 0 : Number(options.cursor);
        calls.push({ page: start });
        const end = Math.min(start + options.pageSize, repositories.length);
        return {
          repositories: repositories.slice(start, end).map((repository, offset) => ({
            ...repository,
            node: { open: { totalCount: openOf(start + offset).length } },
          })),
          next: end < repositories.length ? String(end) : null,
        };
      },
      async graphql(query: string, variables: Record<string, unknown>) {
        const data: Record<string, unknown> = {};
        const names: string[] = [];
        for (const [, index, first] of query.matchAll(
          /r(\d+): repository\(owner: \$owner, name: \$name\d+\) \{\s*open: pullRequests\(first: (\d+)/g,
        )) {
          const name = variables[`name${index}`] as string;
          names.push(name);
          const all = openOf(repositories.findIndex((repository) => repository.name === name));
          const after = variables[`after${index}`] === null ? 0 : Number(variables[`after${index}`]);
          data[`r${index}`] = {
            open: {
              pageInfo: { hasNextPage: after + Number(first) < all.length, endCursor: String(after + Number(first)) },
              nodes: all.slice(after, after + Number(first)),
            },
          };
        }
        calls.push({ followUp: names });
        return data;
      },
    };
    return { reads: fake as unknown as ResyncReads, calls };
  }

  test('wait for enough repositories to fill a query: 25 of 20 pull requests each (500 nodes), not those of one page', async () => {
    const fake = manyRepositories();
    const { objects } = await all(pullRequestKind, fake.reads, prSelector());
    expect(objects).toHaveLength(35 * 20);
    expect(new Set(objects.map((object) => object.repository!.name)).size).toBe(35);
    const followUps = fake.calls.flatMap((call) => ('followUp' in call ? [call.followUp] : []));
    // 35 repositories with pull requests: one follow-up of 25 once three pages are read, one of the 10 left at the end.
    expect(followUps.map((names) => names.length)).toEqual([25, 10]);
    expect(fake.calls.map((call) => ('page' in call ? `page ${call.page}` : 'followUp'))).toEqual([
      'page 0',
      'page 100',
      'page 200',
      'followUp',
      'page 300',
      'followUp',
    ]);
  });
});

describe('issues, tags, branches', () => {
  test('issue selects: state open, closed or all; never a pull request', () => {
    const select = (state: string, object: object) => issueKind.selects!(selector({ state }) as never, object, 0);
    expect(select('open', { state: 'open' })).toBe(true);
    expect(select('open', { state: 'closed' })).toBe(false);
    expect(select('closed', { state: 'closed' })).toBe(true);
    expect(select('all', { state: 'closed' })).toBe(true);
    expect(select('all', { state: 'open', pull_request: { url: 'x' } })).toBe(false);
  });

  test('tags in the REST list shape, the commit of an annotated tag', async () => {
    const fake = reads({ tags: [fakeTag('v1', 'c1'), fakeTag('v2', 'c2', true)] });
    const { objects } = await all(tagKind, fake.reads, selector({}));
    expect(objects.map((object) => object.object)).toEqual([
      expect.objectContaining({
        name: 'v1',
        commit: {
          sha: expect.stringMatching(/^c1/),
          url: expect.stringMatching(/^https:\/\/api\.github\.com\/repos\/acme\/alpha\/commits\/c1/),
        },
        zipball_url: 'https://api.github.com/repos/acme/alpha/zipball/refs/tags/v1',
        __repository: 'alpha',
      }),
      expect.objectContaining({ name: 'v2', commit: expect.objectContaining({ sha: expect.stringMatching(/^c2/) }) }),
    ]);
  });

  test('branches: the list shape by default; a protection rule GitHub refuses to show leaves __protection_rules null', async () => {
    const branches = Array.from({ length: 30 }, (_, index) => fakeBranch(REPOSITORY, `b${index}`, `c${index}`));
    const plain = await all(
      branchKind,
      reads({ branches }).reads,
      selector({ detailed: false, protectionRules: false }),
    );
    expect(plain.objects).toHaveLength(30);
    expect(plain.objects[0]!.object).toEqual({
      name: 'b0',
      commit: { sha: expect.stringMatching(/^c0/), url: expect.any(String) },
      protected: false,
      __repository: 'alpha',
      __organization: 'acme',
    });

    const refused = reads(
      { branches: [{ ...fakeBranch(REPOSITORY, 'main', 'c1'), branchProtectionRule: null }] },
      { errors: [{ type: 'FORBIDDEN', path: ['r0', 'branches', 'nodes', 0, 'branchProtectionRule'] }] },
    );
    // The page of repositories counts; the follow-up's errors are the refusal.
    const { objects } = await all(branchKind, refused.reads, selector({ detailed: true, protectionRules: true }));
    expect(refused.calls).toEqual(['page', 'followUp']);
    expect(objects[0]!.object).toMatchObject({
      name: 'main',
      __protection_rules: null,
      _links: expect.any(Object),
    });
  });
});
