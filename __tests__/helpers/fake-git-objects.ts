/**
 * GraphQL data of pull requests, issues, releases, tags and branches for the fake GitHub's repositories
 * (FakeRepository.graphql): each builder gives the fields wharf's queries ask for, non-null ones filled, and
 * `gitObjectsGraphql` gives the Repository connections over them (states filtered, pull requests newest update
 * first) and `ref(qualifiedName:)` for the reads of live create events.
 */

export interface FakeGitObjects {
  pullRequests: Array<Record<string, unknown>>;
  issues: Array<Record<string, unknown>>;
  releases: Array<Record<string, unknown>>;
  /** Refs (`refs/tags/...`, `refs/heads/...`) by their qualified name. */
  refs: Map<string, Record<string, unknown>>;
}

export const emptyGitObjects = (): FakeGitObjects => ({ pullRequests: [], issues: [], releases: [], refs: new Map() });

const user = (login: string, databaseId: number) => ({
  __typename: 'User',
  login,
  url: `https://github.com/${login}`,
  avatarUrl: `https://avatars.githubusercontent.com/u/${databaseId}`,
  id: `U_${databaseId}`,
  databaseId,
});

const commit = (sha: string) => `${sha}${'0'.repeat(40)}`.slice(0, 40);

function repositoryNode(owner: string, name: string, databaseId: number) {
  return {
    id: `R_${databaseId}`,
    databaseId,
    name,
    nameWithOwner: `${owner}/${name}`,
    url: `https://github.com/${owner}/${name}`,
    isPrivate: false,
    owner: { __typename: 'Organization', login: owner },
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const daysAgo = (days: number): string => new Date(Date.now() - days * DAY_MS).toISOString();

export function fakePullRequest(
  repository: { owner: string; name: string; id: number },
  number: number,
  options: { state?: 'OPEN' | 'CLOSED' | 'MERGED'; updatedDaysAgo?: number; draft?: boolean; title?: string } = {},
): Record<string, unknown> {
  const state = options.state ?? 'OPEN';
  const updatedAt = daysAgo(options.updatedDaysAgo ?? 1);
  const url = `https://github.com/${repository.owner}/${repository.name}/pull/${number}`;
  const repo = repositoryNode(repository.owner, repository.name, repository.id);
  return {
    id: `PR_${repository.id}_${number}`,
    fullDatabaseId: String(repository.id * 1000 + number),
    number,
    title: options.title ?? `Change ${number}`,
    body: `Body of ${number}`,
    state,
    isDraft: options.draft ?? false,
    locked: false,
    activeLockReason: null,
    url,
    createdAt: daysAgo((options.updatedDaysAgo ?? 1) + 1),
    updatedAt,
    closedAt: state === 'OPEN' ? null : updatedAt,
    mergedAt: state === 'MERGED' ? updatedAt : null,
    merged: state === 'MERGED',
    authorAssociation: 'MEMBER',
    author: user('octocat', 583231),
    mergedBy: state === 'MERGED' ? user('hubot', 1) : null,
    headRefName: `feature-${number}`,
    headRefOid: commit(`a${number}`),
    baseRefName: 'main',
    baseRefOid: commit('b'),
    headRepository: repo,
    headRepositoryOwner: { __typename: 'Organization', login: repository.owner },
    baseRepository: repo,
    mergeCommit: state === 'MERGED' ? { oid: commit(`m${number}`) } : null,
    milestone: null,
    assignees: [user('monalisa', 2)],
    labels: [
      { id: 'LA_1', name: 'bug', color: 'd73a4a', description: null, isDefault: true, url: `${url}/labels/bug` },
    ],
    // The fields the vendor's `api: graphql` shape adds (wharf reads them for such a resource only).
    permalink: url,
    mergeable: state === 'OPEN' ? 'MERGEABLE' : 'UNKNOWN',
    mergeStateStatus: state === 'OPEN' ? 'CLEAN' : 'UNKNOWN',
    reviewDecision: 'REVIEW_REQUIRED',
    canBeRebased: true,
    closed: state !== 'OPEN',
    maintainerCanModify: false,
    lastEditedAt: null,
    additions: 10 * number,
    deletions: number,
    changedFiles: 2,
    headRef: { name: `feature-${number}`, target: { __typename: 'Commit', oid: commit(`a${number}`) } },
    baseRef: { name: 'main', target: { __typename: 'Commit', oid: commit('b') } },
    potentialMergeCommit: state === 'OPEN' ? { oid: commit(`p${number}`) } : null,
    comments: [{}, {}],
    reviewThreads: [{}],
    commits: [{}, {}, {}],
    autoMergeRequest: null,
    reviewRequests: [
      { requestedReviewer: user('hubot', 1) },
      {
        requestedReviewer: {
          __typename: 'Team',
          id: 'T_1',
          databaseId: 7,
          name: 'Platform',
          slug: 'platform',
          url: `https://github.com/orgs/${repository.owner}/teams/platform`,
        },
      },
    ],
  };
}

export function fakeIssue(
  repository: { owner: string; name: string; id: number },
  number: number,
  options: { state?: 'OPEN' | 'CLOSED'; title?: string; labels?: string[] } = {},
): Record<string, unknown> {
  const state = options.state ?? 'OPEN';
  const url = `https://github.com/${repository.owner}/${repository.name}/issues/${number}`;
  return {
    id: `I_${repository.id}_${number}`,
    databaseId: repository.id * 1000 + number,
    fullDatabaseId: String(repository.id * 1000 + number),
    number,
    title: options.title ?? `Issue ${number}`,
    body: `Body of issue ${number}`,
    state,
    stateReason: state === 'CLOSED' ? 'COMPLETED' : null,
    locked: false,
    activeLockReason: null,
    url,
    createdAt: daysAgo(10),
    updatedAt: daysAgo(2),
    closedAt: state === 'CLOSED' ? daysAgo(2) : null,
    authorAssociation: 'MEMBER',
    author: user('octocat', 583231),
    milestone: null,
    assignees: [user('monalisa', 2)],
    labels: (options.labels ?? ['enhancement']).map((name, index) => ({
      id: `LA_${index + 2}`,
      name,
      color: 'a2eeef',
      description: null,
      isDefault: true,
      url: `${url}/labels/${encodeURIComponent(name)}`,
    })),
  };
}

export function fakeRelease(
  repository: { owner: string; name: string; id: number },
  databaseId: number,
  tagName: string,
): Record<string, unknown> {
  return {
    id: `RE_${databaseId}`,
    databaseId,
    name: `Release ${tagName}`,
    tagName,
    description: `Notes of ${tagName}`,
    url: `https://github.com/${repository.owner}/${repository.name}/releases/tag/${tagName}`,
    isDraft: false,
    isPrerelease: false,
    isLatest: false,
    createdAt: daysAgo(5),
    publishedAt: daysAgo(5),
    updatedAt: daysAgo(5),
    author: user('octocat', 583231),
    tagCommit: { oid: commit(`t${databaseId}`) },
  };
}

/** A tag ref: lightweight (its target the commit) or annotated (a Tag object pointing at the commit). */
export function fakeTag(name: string, sha: string, annotated = false): Record<string, unknown> {
  const target = { __typename: 'Commit', oid: commit(sha) };
  return {
    id: `REF_tag_${name}`,
    name,
    prefix: 'refs/tags/',
    target: annotated ? { __typename: 'Tag', oid: commit(`tag${sha}`), target } : target,
    refUpdateRule: null,
    branchProtectionRule: null,
  };
}

/** A branch ref; `protection` adds a classic protection rule (and the rule non-admins see). */
export function fakeBranch(
  repository: { owner: string; name: string },
  name: string,
  sha: string,
  protection?: { approvals: number; checks: string[] },
): Record<string, unknown> {
  const oid = commit(sha);
  const author = { name: 'Mona', email: 'mona@example.com', date: daysAgo(3), user: user('monalisa', 2) };
  return {
    id: `REF_head_${name}`,
    name,
    prefix: 'refs/heads/',
    target: {
      __typename: 'Commit',
      oid,
      url: `https://github.com/${repository.owner}/${repository.name}/commit/${oid}`,
      message: `Head of ${name}`,
      author,
      committer: author,
      tree: { oid: commit(`tree${sha}`) },
      parents: [{ oid: commit(`p${sha}`), url: `https://github.com/${repository.owner}/${repository.name}/commit/p` }],
    },
    refUpdateRule: protection ? { pattern: name, requiredStatusCheckContexts: protection.checks } : null,
    branchProtectionRule: protection
      ? {
          pattern: name,
          isAdminEnforced: true,
          requiresApprovingReviews: protection.approvals > 0,
          requiredApprovingReviewCount: protection.approvals,
          dismissesStaleReviews: true,
          requiresCodeOwnerReviews: false,
          requireLastPushApproval: false,
          requiresStatusChecks: protection.checks.length > 0,
          requiresStrictStatusChecks: true,
          requiredStatusChecks: protection.checks.map((context) => ({ context, app: { databaseId: 15368 } })),
          requiresCommitSignatures: false,
          requiresLinearHistory: true,
          allowsForcePushes: false,
          allowsDeletions: false,
          blocksCreations: false,
          requiresConversationResolution: false,
          lockBranch: false,
          lockAllowsFetchAndMerge: false,
        }
      : null,
  };
}

const STATES: Record<string, string> = { OPEN: 'OPEN', CLOSED: 'CLOSED', MERGED: 'MERGED' };

function hasAnyLabel(wanted: unknown, labels: unknown): boolean {
  if (!Array.isArray(wanted)) return true;
  const names = (Array.isArray(labels) ? labels : []).map((label) => String((label as { name?: unknown }).name));
  return wanted.some((name) => names.some((label) => label.toLowerCase() === String(name).toLowerCase()));
}

/** The Repository fields that serve `objects` (kept live: later changes to `objects` show in later answers). */
export function gitObjectsGraphql(objects: FakeGitObjects): Record<string, unknown> {
  const inStates = (states: unknown, state: unknown) =>
    !Array.isArray(states) || states.some((wanted) => STATES[String(wanted)] === state);
  return {
    pullRequests: ({ states }: { states?: unknown }) =>
      objects.pullRequests
        .filter((pull) => inStates(states, pull.state))
        .sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt))),
    // GitHub's `labels` takes issues having any of them (names compared without regard to case).
    issues: ({ states, labels }: { states?: unknown; labels?: unknown }) =>
      objects.issues.filter((issue) => inStates(states, issue.state) && hasAnyLabel(labels, issue.labels)),
    releases: () => objects.releases,
    refs: ({ refPrefix }: { refPrefix: string }) =>
      [...objects.refs.entries()].filter(([name]) => name.startsWith(refPrefix)).map(([, ref]) => ref),
    ref: ({ qualifiedName }: { qualifiedName: string }) => objects.refs.get(qualifiedName) ?? null,
  };
}
