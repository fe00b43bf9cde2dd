/**
 * A pull request as the vendor's integration gives it to jq under `api: graphql`: its GraphQL pull request node
 * (the fields of its PR_FIELDS, GraphQL's names), with the connections flattened to lists (`assignees`, `labels`,
 * `reviewRequests`), `comments`, `commits` and `review_comments` as counts (`review_comments` the review threads),
 * `state` and `mergeable_state` in lower case, `mergeable` a boolean and `requested_reviewers` the users
 * (`{login, type}`) and teams (`{name, slug, type}`) asked to review; then `__repository` and `__organization`.
 * Resyncs build it from the node they read; live deliveries, which carry the REST pull request, convert that: what
 * REST does not have (`reviewDecision`, `lastEditedAt`) is null there, and `reviewThreads` counts review comments.
 */
import type { ActorNode, LabelNode, MilestoneNode } from './rest-shapes.ts';
import { isRecord } from './repository-objects.ts';

/** What the vendor's query reads beyond wharf's pull request fields (PULL_REQUEST_FIELDS). */
export const VENDOR_GRAPHQL_FIELDS = `
  permalink mergeable mergeStateStatus reviewDecision canBeRebased closed maintainerCanModify lastEditedAt
  additions deletions changedFiles
  headRef { name target { oid } }
  baseRef { name target { oid } }
  potentialMergeCommit { oid }
  comments(first: 0) { totalCount }
  reviewThreads(first: 0) { totalCount }
  commits(first: 0) { totalCount }
  autoMergeRequest { enabledAt mergeMethod commitHeadline commitBody }`;

interface RefNode {
  name: string;
  target: { oid: string } | null;
}

/** The fields of a pull request node the vendor's shape is made of (wharf's query and VENDOR_GRAPHQL_FIELDS). */
export interface VendorPullRequestNode {
  url: string;
  id: string;
  fullDatabaseId: string | number | null;
  number: number;
  state: string;
  locked: boolean;
  title: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  isDraft: boolean;
  headRefName: string;
  baseRefName: string;
  mergeable?: string;
  mergeStateStatus?: string;
  reviewDecision?: string | null;
  authorAssociation: string;
  activeLockReason: string | null;
  merged: boolean;
  permalink?: string;
  canBeRebased?: boolean;
  closed?: boolean;
  maintainerCanModify?: boolean;
  lastEditedAt?: string | null;
  additions?: number;
  deletions?: number;
  changedFiles?: number;
  headRefOid: string;
  headRef?: RefNode | null;
  baseRef?: RefNode | null;
  author: ActorNode | null;
  mergedBy: ActorNode | null;
  mergeCommit: { oid: string } | null;
  potentialMergeCommit?: { oid: string } | null;
  assignees: { nodes: Array<ActorNode | null> };
  reviewRequests: { nodes: Array<{ requestedReviewer: ReviewerNode | null } | null> };
  labels: { nodes: Array<LabelNode | null> };
  milestone: MilestoneNode | null;
  comments?: { totalCount: number };
  reviewThreads?: { totalCount: number };
  commits?: { totalCount: number };
  autoMergeRequest?: {
    enabledAt: string | null;
    mergeMethod: string;
    commitHeadline: string | null;
    commitBody: string | null;
  } | null;
}

type ReviewerNode =
  (ActorNode & { __typename: 'User' | 'Bot' | 'Mannequin' }) | { __typename: 'Team'; name: string; slug: string };

const nodes = <T>(connection: { nodes?: Array<T | null> | null } | null | undefined): T[] =>
  (connection?.nodes ?? []).filter((node): node is T => node !== null);

const actor = (node: ActorNode | null | undefined) =>
  node ? { login: node.login, avatarUrl: node.avatarUrl ?? null, url: node.url, __typename: node.__typename } : null;

/** A review request as the vendor's query asks for it: a user's login and avatar, a team's name and slug. */
function reviewRequest(reviewer: ReviewerNode | null) {
  if (!reviewer) return { requestedReviewer: null };
  if (reviewer.__typename === 'Team') {
    return { requestedReviewer: { __typename: 'Team', name: reviewer.name, slug: reviewer.slug } };
  }
  if (reviewer.__typename === 'User') {
    return { requestedReviewer: { __typename: 'User', login: reviewer.login, avatarUrl: reviewer.avatarUrl ?? null } };
  }
  return { requestedReviewer: { __typename: reviewer.__typename } };
}

/** The vendor's `requested_reviewers`: users and teams, in the order GitHub lists the requests. */
function requestedReviewers(
  requests: ReadonlyArray<{ requestedReviewer: ReviewerNode | null }>,
): Array<Record<string, string>> {
  return requests.flatMap(({ requestedReviewer: reviewer }): Array<Record<string, string>> => {
    if (reviewer?.__typename === 'User') return [{ login: reviewer.login, type: 'User' }];
    if (reviewer?.__typename === 'Team') return [{ name: reviewer.name, slug: reviewer.slug, type: 'Team' }];
    return [];
  });
}

/** The vendor's `api: graphql` object of `node`, with the `__` fields of `enriched` (the REST object wharf made). */
export function vendorGraphqlPullRequest(node: VendorPullRequestNode, enriched: object): Record<string, unknown> {
  const requests = nodes(node.reviewRequests);
  const milestone = node.milestone;
  return {
    url: node.url,
    id: node.id,
    fullDatabaseId: node.fullDatabaseId,
    number: node.number,
    state: node.state.toLowerCase(),
    locked: node.locked,
    title: node.title,
    body: node.body,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    closedAt: node.closedAt,
    mergedAt: node.mergedAt,
    isDraft: node.isDraft,
    headRefName: node.headRefName,
    baseRefName: node.baseRefName,
    mergeable: node.mergeable === 'MERGEABLE',
    mergeStateStatus: node.mergeStateStatus ?? null,
    mergeable_state: node.mergeStateStatus?.toLowerCase() ?? null,
    reviewDecision: node.reviewDecision ?? null,
    authorAssociation: node.authorAssociation,
    activeLockReason: node.activeLockReason,
    merged: node.merged,
    permalink: node.permalink ?? node.url,
    canBeRebased: node.canBeRebased ?? null,
    closed: node.closed ?? node.state !== 'OPEN',
    maintainerCanModify: node.maintainerCanModify ?? null,
    lastEditedAt: node.lastEditedAt ?? null,
    additions: node.additions ?? null,
    deletions: node.deletions ?? null,
    changedFiles: node.changedFiles ?? null,
    headRefOid: node.headRefOid,
    headRef: node.headRef ?? null,
    baseRef: node.baseRef ?? null,
    author: actor(node.author),
    mergedBy: actor(node.mergedBy),
    mergeCommit: node.mergeCommit,
    potentialMergeCommit: node.potentialMergeCommit ?? null,
    assignees: nodes(node.assignees).map((user) => ({ login: user.login, avatarUrl: user.avatarUrl ?? null })),
    reviewRequests: requests.map((request) => reviewRequest(request.requestedReviewer)),
    requested_reviewers: requestedReviewers(requests),
    labels: nodes(node.labels).map(({ id, url, name, color, isDefault, description }) => ({
      id,
      url,
      name,
      color,
      isDefault,
      description,
    })),
    milestone: milestone && {
      number: milestone.number,
      title: milestone.title,
      description: milestone.description,
      dueOn: milestone.dueOn,
      url: milestone.url,
    },
    comments: node.comments?.totalCount ?? null,
    reviewThreads: node.reviewThreads ?? null,
    review_comments: node.reviewThreads?.totalCount ?? null,
    commits: node.commits?.totalCount ?? null,
    autoMergeRequest: node.autoMergeRequest ?? null,
    ...additions(enriched),
  };
}

/** The `__` fields (`__repository`, `__organization`) of an object. */
function additions(object: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => key.startsWith('__')));
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const count = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** A REST user (`user`, `merged_by`) as a GraphQL actor; a bot's login without REST's `[bot]`, as GraphQL names it. */
function restActor(user: unknown): ActorNode | null {
  if (!isRecord(user) || typeof user.login !== 'string') return null;
  const type = user.type === 'Bot' ? 'Bot' : user.type === 'Organization' ? 'Organization' : 'User';
  return {
    __typename: type,
    login: type === 'Bot' ? user.login.replace(/\[bot\]$/, '') : user.login,
    url: text(user.html_url) ?? `https://github.com/${user.login}`,
    avatarUrl: text(user.avatar_url) ?? undefined,
  };
}

/**
 * The vendor's `api: graphql` object of a REST pull request (a webhook's): each GraphQL field from its REST name,
 * null where REST has no such field.
 */
export function vendorGraphqlFromRest(pull: Record<string, unknown>): Record<string, unknown> {
  const head = isRecord(pull.head) ? pull.head : {};
  const base = isRecord(pull.base) ? pull.base : {};
  const merged = pull.merged === true || typeof pull.merged_at === 'string';
  const htmlUrl = text(pull.html_url) ?? '';
  const repositoryUrl = htmlUrl.replace(/\/pull\/\d+$/, '');
  const ref = (side: Record<string, unknown>): RefNode | null =>
    typeof side.ref === 'string'
      ? { name: side.ref, target: typeof side.sha === 'string' ? { oid: side.sha } : null }
      : null;
  const users = (Array.isArray(pull.requested_reviewers) ? pull.requested_reviewers : []).flatMap((user) => {
    const found = restActor(user);
    return found?.__typename === 'User' ? [{ ...found, __typename: 'User' as const }] : [];
  });
  const teams = (Array.isArray(pull.requested_teams) ? pull.requested_teams : []).filter(isRecord);
  const milestone = isRecord(pull.milestone) ? pull.milestone : null;
  const autoMerge = isRecord(pull.auto_merge) ? pull.auto_merge : null;
  const mergeSha = text(pull.merge_commit_sha);
  const node: VendorPullRequestNode = {
    url: htmlUrl,
    id: text(pull.node_id) ?? '',
    fullDatabaseId: typeof pull.id === 'number' ? String(pull.id) : null,
    number: count(pull.number) ?? 0,
    state: merged ? 'MERGED' : pull.state === 'open' ? 'OPEN' : 'CLOSED',
    locked: pull.locked === true,
    title: text(pull.title) ?? '',
    body: text(pull.body) ?? '',
    createdAt: text(pull.created_at) ?? '',
    updatedAt: text(pull.updated_at) ?? '',
    closedAt: text(pull.closed_at),
    mergedAt: text(pull.merged_at),
    isDraft: pull.draft === true,
    headRefName: text(head.ref) ?? '',
    baseRefName: text(base.ref) ?? '',
    // REST says true, false, or null while GitHub computes it (GraphQL's UNKNOWN).
    ...(typeof pull.mergeable === 'boolean' && { mergeable: pull.mergeable ? 'MERGEABLE' : 'CONFLICTING' }),
    ...(typeof pull.mergeable_state === 'string' && { mergeStateStatus: pull.mergeable_state.toUpperCase() }),
    authorAssociation: text(pull.author_association) ?? 'NONE',
    activeLockReason: text(pull.active_lock_reason)?.toUpperCase().replaceAll('-', '_') ?? null,
    merged,
    permalink: htmlUrl,
    ...(typeof pull.rebaseable === 'boolean' && { canBeRebased: pull.rebaseable }),
    closed: pull.state === 'closed',
    ...(typeof pull.maintainer_can_modify === 'boolean' && { maintainerCanModify: pull.maintainer_can_modify }),
    ...(count(pull.additions) !== null && { additions: count(pull.additions)! }),
    ...(count(pull.deletions) !== null && { deletions: count(pull.deletions)! }),
    ...(count(pull.changed_files) !== null && { changedFiles: count(pull.changed_files)! }),
    headRefOid: text(head.sha) ?? '',
    headRef: ref(head),
    baseRef: ref(base),
    author: restActor(pull.user),
    mergedBy: restActor(pull.merged_by),
    mergeCommit: merged && mergeSha ? { oid: mergeSha } : null,
    // An open pull request's merge_commit_sha is GitHub's test merge: GraphQL's potential merge commit.
    potentialMergeCommit: !merged && mergeSha ? { oid: mergeSha } : null,
    assignees: { nodes: (Array.isArray(pull.assignees) ? pull.assignees : []).map(restActor) },
    reviewRequests: {
      nodes: [
        ...users.map((user) => ({ requestedReviewer: user })),
        ...teams.map((team) => ({
          requestedReviewer: { __typename: 'Team' as const, name: String(team.name), slug: String(team.slug) },
        })),
      ],
    },
    labels: {
      nodes: (Array.isArray(pull.labels) ? pull.labels : []).filter(isRecord).map((label) => ({
        id: text(label.node_id) ?? '',
        url: `${repositoryUrl}/labels/${encodeURIComponent(String(label.name))}`,
        name: String(label.name),
        color: text(label.color) ?? '',
        isDefault: label.default === true,
        description: text(label.description),
      })),
    },
    milestone: milestone && {
      id: text(milestone.node_id) ?? '',
      number: count(milestone.number) ?? 0,
      title: text(milestone.title) ?? '',
      description: text(milestone.description),
      state: text(milestone.state)?.toUpperCase() ?? 'OPEN',
      url: text(milestone.html_url) ?? '',
      dueOn: text(milestone.due_on),
      createdAt: text(milestone.created_at) ?? '',
      updatedAt: text(milestone.updated_at) ?? '',
      closedAt: text(milestone.closed_at),
    },
    ...(count(pull.comments) !== null && { comments: { totalCount: count(pull.comments)! } }),
    ...(count(pull.review_comments) !== null && { reviewThreads: { totalCount: count(pull.review_comments)! } }),
    ...(count(pull.commits) !== null && { commits: { totalCount: count(pull.commits)! } }),
    autoMergeRequest: autoMerge && {
      enabledAt: null,
      mergeMethod: String(autoMerge.merge_method).toUpperCase(),
      commitHeadline: text(autoMerge.commit_title),
      commitBody: text(autoMerge.commit_message),
    },
  };
  return vendorGraphqlPullRequest(node, pull);
}
