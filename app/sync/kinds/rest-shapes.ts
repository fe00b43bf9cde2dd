/**
 * GraphQL fields and their REST names shared by the kinds read from repository connections (users, labels,
 * milestones), so that mappings written for the REST answers the vendor's integration maps (`.user.login`,
 * `.labels[].name`) work on objects read with GraphQL. Pure: no calls here.
 */

/** An Actor's fields (author, assignee, merger). */
export const ACTOR_FIELDS = `__typename login url avatarUrl
  ... on User { id databaseId }
  ... on Bot { id databaseId }
  ... on Organization { id databaseId }
  ... on Mannequin { id databaseId }`;

/** A User's fields (assignees, release authors). */
export const USER_FIELDS = 'login url avatarUrl id databaseId';

export interface ActorNode {
  __typename?: string;
  login: string;
  url: string;
  avatarUrl?: string;
  id?: string;
  databaseId?: number | null;
}

export interface RestUser {
  login: string;
  id: number | null;
  node_id: string | null;
  avatar_url: string | null;
  html_url: string;
  url: string;
  type: string;
}

const trim = (apiUrl: string) => apiUrl.replace(/\/+$/, '');

/** A user (or bot, organization) as REST gives it; a deleted account is GitHub's `ghost`, as REST answers. */
export function restUser(actor: ActorNode | null | undefined, apiUrl: string): RestUser {
  if (!actor) {
    return {
      login: 'ghost',
      id: 10137,
      node_id: 'MDQ6VXNlcjEwMTM3',
      avatar_url: null,
      html_url: 'https://github.com/ghost',
      url: `${trim(apiUrl)}/users/ghost`,
      type: 'User',
    };
  }
  const type = actor.__typename === 'Bot' ? 'Bot' : actor.__typename === 'Organization' ? 'Organization' : 'User';
  // REST names an App's bot `<slug>[bot]`; GraphQL without the suffix.
  const login = type === 'Bot' && !actor.login.endsWith('[bot]') ? `${actor.login}[bot]` : actor.login;
  return {
    login,
    id: actor.databaseId ?? null,
    node_id: actor.id ?? null,
    avatar_url: actor.avatarUrl ?? null,
    html_url: actor.url,
    url: `${trim(apiUrl)}/users/${login}`,
    type,
  };
}

/** An issue's or pull request's assignees (User nodes) as REST gives them. */
export function restAssignees(connection: { nodes?: Array<ActorNode | null> | null }, apiUrl: string): RestUser[] {
  return nodesOf(connection).map((user) => restUser({ __typename: 'User', ...user }, apiUrl));
}

/** GraphQL's lock reason (`OFF_TOPIC`) as REST's `active_lock_reason` (`off-topic`). */
export const restLockReason = (reason: string | null): string | null =>
  reason?.toLowerCase().replaceAll('_', '-') ?? null;

/** GraphQL's body of an issue or pull request ('' when there is none) as REST's (null). */
export const restBody = (body: string): string | null => (body === '' ? null : body);

export const LABEL_FIELDS = 'id name color description isDefault url';

export interface LabelNode {
  id: string;
  name: string;
  color: string;
  description: string | null;
  isDefault: boolean;
  url: string;
}

export function restLabel(label: LabelNode, repositoryApi: string) {
  return {
    node_id: label.id,
    url: `${repositoryApi}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    description: label.description,
    default: label.isDefault,
  };
}

export const MILESTONE_FIELDS = 'id number title description state url dueOn createdAt updatedAt closedAt';

export interface MilestoneNode {
  id: string;
  number: number;
  title: string;
  description: string | null;
  state: string;
  url: string;
  dueOn: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export function restMilestone(milestone: MilestoneNode | null | undefined, repositoryApi: string) {
  if (!milestone) return null;
  return {
    url: `${repositoryApi}/milestones/${milestone.number}`,
    html_url: milestone.url,
    node_id: milestone.id,
    number: milestone.number,
    title: milestone.title,
    description: milestone.description,
    state: milestone.state.toLowerCase(),
    due_on: milestone.dueOn,
    created_at: milestone.createdAt,
    updated_at: milestone.updatedAt,
    closed_at: milestone.closedAt,
  };
}

/** `fullDatabaseId` (BigInt, a string in JSON) as the REST `id`. */
export function databaseIdOf(full: string | number | null | undefined, fallback?: number | null): number | null {
  if (typeof full === 'number') return full;
  if (typeof full === 'string' && /^\d+$/.test(full)) {
    const value = Number(full);
    if (Number.isSafeInteger(value)) return value;
  }
  return fallback ?? null;
}

export const nodesOf = <T>(connection: { nodes?: Array<T | null> | null } | null | undefined): T[] =>
  (connection?.nodes ?? []).filter((node): node is T => node !== null);
