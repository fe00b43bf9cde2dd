/**
 * Pull requests: read with GraphQL (open ones, and closed ones updated within `since` days up to `maxResults` per
 * repository, as the vendor reads them), converted to the REST shape of `GET /repos/{owner}/{repo}/pulls` with the
 * vendor's `__repository` and `__organization`. Live events come through catalog-sync's pull_request handler, which
 * hands the payload's pull request to ObjectSync (and so to `selects`).
 *
 * `api: graphql` (the vendor reads with REST unless told) gives that resource's jq the vendor's GraphQL shape
 * instead (pull-request-graphql.ts): its resync reads the few fields more that shape has, and its live objects are
 * converted from the payload's REST pull request. What is read, and which pull requests, stay the same.
 */
import type { SelectorOf } from '../mapping/index.ts';
import type { KindDefinition, RepositoryRef } from './kind-definition.ts';
import { connectionPage, repositoryApi, type RepositoryConnections } from './repository-connections.ts';
import { VENDOR_GRAPHQL_FIELDS, vendorGraphqlFromRest, vendorGraphqlPullRequest } from './pull-request-graphql.ts';
import { repositoryObject } from './repository-objects.ts';
import {
  ACTOR_FIELDS,
  type ActorNode,
  databaseIdOf,
  LABEL_FIELDS,
  type LabelNode,
  MILESTONE_FIELDS,
  type MilestoneNode,
  nodesOf,
  restAssignees,
  restBody,
  restLabel,
  restLockReason,
  restMilestone,
  restUser,
  USER_FIELDS,
} from './rest-shapes.ts';

type Selector = SelectorOf<'pull-request'>;

const DAY_MS = 24 * 60 * 60 * 1000;

const REPOSITORY_FIELDS = 'id databaseId name nameWithOwner url isPrivate owner { login }';

/** The fields of a pull request; their REST names are in toRestPullRequest. */
export const PULL_REQUEST_FIELDS = `
  id fullDatabaseId number title body state isDraft locked activeLockReason url
  createdAt updatedAt closedAt mergedAt merged authorAssociation
  author { ${ACTOR_FIELDS} }
  mergedBy { ${ACTOR_FIELDS} }
  headRefName headRefOid baseRefName baseRefOid
  headRepository { ${REPOSITORY_FIELDS} }
  headRepositoryOwner { login }
  baseRepository { ${REPOSITORY_FIELDS} }
  mergeCommit { oid }
  milestone { ${MILESTONE_FIELDS} }
  assignees(first: 10) { nodes { ${USER_FIELDS} } }
  labels(first: 20) { nodes { ${LABEL_FIELDS} } }
  reviewRequests(first: 10) {
    nodes {
      requestedReviewer {
        __typename
        ... on User { ${USER_FIELDS} }
        ... on Bot { login url avatarUrl id databaseId }
        ... on Mannequin { login url avatarUrl id databaseId }
        ... on Team { id databaseId name slug url }
      }
    }
  }`;

interface RepositoryNode {
  id: string;
  databaseId: number | null;
  name: string;
  nameWithOwner: string;
  url: string;
  isPrivate: boolean;
  owner: { login: string };
}

type ReviewerNode =
  | (ActorNode & { __typename: 'User' | 'Bot' | 'Mannequin' })
  | { __typename: 'Team'; id: string; databaseId: number | null; name: string; slug: string; url: string };

export interface PullRequestNode {
  id: string;
  fullDatabaseId: string | number | null;
  number: number;
  title: string;
  body: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  isDraft: boolean;
  locked: boolean;
  activeLockReason: string | null;
  url: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  merged: boolean;
  authorAssociation: string;
  author: ActorNode | null;
  mergedBy: ActorNode | null;
  headRefName: string;
  headRefOid: string;
  baseRefName: string;
  baseRefOid: string;
  headRepository: RepositoryNode | null;
  headRepositoryOwner: { login: string } | null;
  baseRepository: RepositoryNode | null;
  mergeCommit: { oid: string } | null;
  milestone: MilestoneNode | null;
  assignees: { nodes: Array<ActorNode | null> };
  labels: { nodes: Array<LabelNode | null> };
  reviewRequests: { nodes: Array<{ requestedReviewer: ReviewerNode | null } | null> };
}

function restRepository(node: RepositoryNode | null, apiUrl: string) {
  if (!node) return null;
  const api = apiUrl.replace(/\/+$/, '');
  return {
    id: node.databaseId,
    node_id: node.id,
    name: node.name,
    full_name: node.nameWithOwner,
    private: node.isPrivate,
    owner: { login: node.owner.login },
    html_url: node.url,
    url: `${api}/repos/${node.nameWithOwner}`,
  };
}

/** A pull request as `GET /repos/{owner}/{repo}/pulls` gives it. */
export function toRestPullRequest(node: PullRequestNode, repository: RepositoryRef, apiUrl: string) {
  const api = repositoryApi(apiUrl, repository);
  const baseRepository = restRepository(node.baseRepository, apiUrl) ?? {
    id: repository.id,
    node_id: null,
    name: repository.name,
    full_name: `${repository.owner}/${repository.name}`,
    private: null,
    owner: { login: repository.owner },
    html_url: null,
    url: api,
  };
  const headRepository = restRepository(node.headRepository, apiUrl);
  const headOwner = node.headRepositoryOwner?.login ?? headRepository?.owner.login ?? repository.owner;
  const reviewers = nodesOf(node.reviewRequests).flatMap((request) =>
    request.requestedReviewer ? [request.requestedReviewer] : [],
  );
  const assignees = restAssignees(node.assignees, apiUrl);
  const pulls = `${api}/pulls/${node.number}`;
  return {
    url: pulls,
    id: databaseIdOf(node.fullDatabaseId),
    node_id: node.id,
    html_url: node.url,
    diff_url: `${node.url}.diff`,
    patch_url: `${node.url}.patch`,
    issue_url: `${api}/issues/${node.number}`,
    commits_url: `${pulls}/commits`,
    review_comments_url: `${pulls}/comments`,
    comments_url: `${api}/issues/${node.number}/comments`,
    statuses_url: `${api}/statuses/${node.headRefOid}`,
    number: node.number,
    state: node.state === 'OPEN' ? 'open' : 'closed',
    locked: node.locked,
    active_lock_reason: restLockReason(node.activeLockReason),
    title: node.title,
    user: restUser(node.author, apiUrl),
    body: restBody(node.body),
    labels: nodesOf(node.labels).map((label) => restLabel(label, api)),
    milestone: restMilestone(node.milestone, api),
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    closed_at: node.closedAt,
    merged_at: node.mergedAt,
    merged: node.merged,
    merged_by: node.mergedBy ? restUser(node.mergedBy, apiUrl) : null,
    merge_commit_sha: node.mergeCommit?.oid ?? null,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: reviewers.flatMap((reviewer) =>
      reviewer.__typename === 'Team' ? [] : [restUser(reviewer, apiUrl)],
    ),
    requested_teams: reviewers.flatMap((reviewer) =>
      reviewer.__typename === 'Team'
        ? [
            {
              id: reviewer.databaseId,
              node_id: reviewer.id,
              name: reviewer.name,
              slug: reviewer.slug,
              html_url: reviewer.url,
            },
          ]
        : [],
    ),
    head: {
      label: `${headOwner}:${node.headRefName}`,
      ref: node.headRefName,
      sha: node.headRefOid,
      user: { login: headOwner },
      repo: headRepository,
    },
    base: {
      label: `${baseRepository.owner.login}:${node.baseRefName}`,
      ref: node.baseRefName,
      sha: node.baseRefOid,
      user: { login: baseRepository.owner.login },
      repo: baseRepository,
    },
    author_association: node.authorAssociation,
    draft: node.isDraft,
  };
}

/** The states a selector reads: `states`, and closed ones too under the legacy `closedPullRequests: true`. */
function statesOf(selector: Selector): Set<'open' | 'closed'> {
  const states = new Set(selector.states);
  if (selector.closedPullRequests) states.add('closed');
  return states;
}

const isOlderThan = (timestamp: unknown, days: number, now: number) =>
  typeof timestamp === 'string' && Date.parse(timestamp) < now - days * DAY_MS;

/** The vendor's GraphQL shape of each pull request read for an `api: graphql` resource, by its REST object. */
const graphqlShapes = new WeakMap<object, Record<string, unknown>>();

function connections(selector: Selector, now: number): RepositoryConnections<PullRequestNode> {
  const states = statesOf(selector);
  const graphql = selector.api === 'graphql';
  const order = 'orderBy: {field: UPDATED_AT, direction: DESC}';
  return {
    kind: 'pull-request',
    streams: [
      ...(states.has('open')
        ? [{ alias: 'open', field: 'pullRequests', arguments: `states: [OPEN], ${order}`, limit: Infinity }]
        : []),
      ...(states.has('closed')
        ? [
            {
              alias: 'closed',
              field: 'pullRequests',
              arguments: `states: [CLOSED, MERGED], ${order}`,
              limit: selector.maxResults,
              // Newest updates first: the first one older than `since` ends the repository's closed ones.
              past: (node: PullRequestNode) => isOlderThan(node.updatedAt, selector.since, now),
            },
          ]
        : []),
    ],
    nodeFields: graphql ? `${PULL_REQUEST_FIELDS}${VENDOR_GRAPHQL_FIELDS}` : PULL_REQUEST_FIELDS,
    repositoriesPerPage: 100,
    // Counted first: labels, assignees and reviewers are connections GitHub charges per pull request asked for.
    first: 0,
    followUpFirst: 50,
    followUpNodes: 500,
    toObjects: (nodes, repository, reads) =>
      nodes.map((node) => {
        const pull = repositoryObject(
          toRestPullRequest(node, repository, reads.apiUrl),
          String(node.number),
          repository,
        );
        if (graphql) graphqlShapes.set(pull.object, vendorGraphqlPullRequest(node, pull.object));
        return pull;
      }),
  };
}

export const pullRequestKind: KindDefinition<'pull-request'> = {
  kind: 'pull-request',
  scope: 'repository',
  resyncPage: (reads, selector, cursor) => connectionPage(reads, connections(selector, Date.now()), cursor),
  selects(selector, object, now) {
    const pull = object as { state?: unknown; updated_at?: unknown; closed_at?: unknown };
    const states = statesOf(selector);
    if (pull.state === 'open') return states.has('open');
    if (!states.has('closed')) return false;
    return !isOlderThan(pull.updated_at ?? pull.closed_at, selector.since, now);
  },
  view(selector, object) {
    if (selector.api !== 'graphql') return object;
    return graphqlShapes.get(object) ?? vendorGraphqlFromRest(object as Record<string, unknown>);
  },
  // catalog-sync.ts's pull_request handler sends pull requests to ObjectSync.
  events: {},
  permissions: { pull_requests: 'read' },
};
