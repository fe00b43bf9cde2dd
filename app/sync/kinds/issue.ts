/**
 * Issues (never pull requests, which GitHub's REST issues API also lists and the vendor skips): read with GraphQL,
 * converted to the REST shape of `GET /repos/{owner}/{repo}/issues` with the vendor's `__repository` and
 * `__organization`. Live: `issues` events carry the REST issue; `deleted` and `transferred` take it away.
 *
 * `labels`, as the vendor's (GitHub's REST filter): only issues that have every listed label, names compared as
 * GitHub compares them, without regard to case. GraphQL's `labels` argument takes issues with any of its labels, so
 * the first label narrows the read and the others are checked here (in resyncs and on live events alike: an issue
 * unlabeled out of the selector loses its entities).
 */
import type { SelectorOf } from '../mapping/index.ts';
import type { KindDefinition, LiveChange, RepositoryRef } from './kind-definition.ts';
import { connectionPage, repositoryApi, type RepositoryConnections } from './repository-connections.ts';
import { payloadObject, repositoryObject } from './repository-objects.ts';
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

type Selector = SelectorOf<'issue'>;

/** The fields of an issue; their REST names are in toRestIssue. */
export const ISSUE_FIELDS = `
  id databaseId fullDatabaseId number title body state stateReason locked activeLockReason url
  createdAt updatedAt closedAt authorAssociation
  author { ${ACTOR_FIELDS} }
  milestone { ${MILESTONE_FIELDS} }
  assignees(first: 10) { nodes { ${USER_FIELDS} } }
  labels(first: 20) { nodes { ${LABEL_FIELDS} } }`;

export interface IssueNode {
  id: string;
  databaseId: number | null;
  fullDatabaseId: string | number | null;
  number: number;
  title: string;
  body: string;
  state: 'OPEN' | 'CLOSED';
  stateReason: string | null;
  locked: boolean;
  activeLockReason: string | null;
  url: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  authorAssociation: string;
  author: ActorNode | null;
  milestone: MilestoneNode | null;
  assignees: { nodes: Array<ActorNode | null> };
  labels: { nodes: Array<LabelNode | null> };
}

/** An issue as `GET /repos/{owner}/{repo}/issues` gives it. */
export function toRestIssue(node: IssueNode, repository: RepositoryRef, apiUrl: string) {
  const api = repositoryApi(apiUrl, repository);
  const url = `${api}/issues/${node.number}`;
  const assignees = restAssignees(node.assignees, apiUrl);
  return {
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: node.url,
    id: databaseIdOf(node.fullDatabaseId, node.databaseId),
    node_id: node.id,
    number: node.number,
    title: node.title,
    user: restUser(node.author, apiUrl),
    labels: nodesOf(node.labels).map((label) => restLabel(label, api)),
    state: node.state.toLowerCase(),
    state_reason: node.stateReason?.toLowerCase() ?? null,
    locked: node.locked,
    active_lock_reason: restLockReason(node.activeLockReason),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: restMilestone(node.milestone, api),
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    closed_at: node.closedAt,
    author_association: node.authorAssociation,
    body: restBody(node.body),
  };
}

/** Whether `issue` (REST shape) has every label `names` lists (none listed: every issue). */
function hasLabels(issue: { labels?: unknown }, names: readonly string[] | undefined): boolean {
  if (!names?.length) return true;
  const labels = new Set(
    (Array.isArray(issue.labels) ? issue.labels : []).flatMap((label: unknown) => {
      const name = typeof label === 'string' ? label : (label as { name?: unknown } | null)?.name;
      return typeof name === 'string' ? [name.toLowerCase()] : [];
    }),
  );
  return names.every((name) => labels.has(name.toLowerCase()));
}

function connections(selector: Selector): RepositoryConnections<IssueNode> {
  const states = selector.state === 'all' ? '[OPEN, CLOSED]' : selector.state === 'closed' ? '[CLOSED]' : '[OPEN]';
  // GitHub's `labels` takes issues having any of them: one label narrows the read, toObjects checks the rest.
  const label = selector.labels?.[0];
  const labels = label === undefined ? '' : `, labels: [${JSON.stringify(label)}]`;
  return {
    kind: 'issue',
    streams: [
      {
        alias: 'issues',
        field: 'issues',
        arguments: `states: ${states}${labels}, orderBy: {field: CREATED_AT, direction: DESC}`,
        limit: Infinity,
      },
    ],
    nodeFields: ISSUE_FIELDS,
    repositoriesPerPage: 100,
    // Counted first: labels and assignees are connections GitHub charges per issue asked for.
    first: 0,
    followUpFirst: 100,
    followUpNodes: 500,
    toObjects: (nodes, repository, reads) =>
      nodes.flatMap((node) => {
        const issue = toRestIssue(node, repository, reads.apiUrl);
        return hasLabels(issue, selector.labels) ? [repositoryObject(issue, String(node.number), repository)] : [];
      }),
  };
}

/** Actions after which the issue is no longer the repository's. */
const GONE = new Set(['deleted', 'transferred']);

async function onIssues(payload: Record<string, unknown>): Promise<LiveChange[]> {
  const carried = payloadObject(payload, 'issue', 'number');
  // The issues API's pull requests are not issues here (the vendor skips them); an issues event never carries one.
  if (!carried || carried.object.pull_request) return [];
  const { object, item, repository } = carried;
  if (GONE.has(String(payload.action))) return [{ object: null, item, repository }];
  return [repositoryObject(object, item, repository)];
}

export const issueKind: KindDefinition<'issue'> = {
  kind: 'issue',
  scope: 'repository',
  resyncPage: (reads, selector, cursor) => connectionPage(reads, connections(selector), cursor),
  selects(selector, object) {
    const issue = object as { state?: unknown; pull_request?: unknown; labels?: unknown };
    if (issue.pull_request) return false;
    if (selector.state !== 'all' && issue.state !== selector.state) return false;
    return hasLabels(issue, selector.labels);
  },
  events: { issues: onIssues },
  permissions: { issues: 'read' },
};
