/**
 * The GraphQL that reads an organization's teams (with their members) and members, and the conversion of its answer
 * to the objects the vendor's team and user mappings read:
 * - a team is the REST team (`id`, `node_id`, `name`, `slug`, `description`, `privacy`, `notification_setting`,
 *   `permission`, `url`, `html_url`, `members_url`, `repositories_url`, `parent`), and, when its members are read,
 *   what the vendor adds from GraphQL: `members.nodes[]` (`id`, `login`, `name`, `email`, `isSiteAdmin`),
 *   `databaseId`, `notificationSetting`, `__graphql_privacy` and `__organization`;
 * - a user is GraphQL's organization member as the vendor reads it: `login`, `id`, `databaseId`, `name`, `email`.
 * Pure but for the reads passed in.
 */
import type { GraphqlRead } from '../github/graphql-reader.ts';

/** Teams (and members of a team) per request: GitHub's largest page. */
const PAGE_SIZE = 100;
/** Pages of members read for one team at the most (10,000 members). */
const MAX_MEMBER_PAGES = 100;

const TEAM_FIELDS = `
  id
  databaseId
  name
  slug
  description
  privacy
  notificationSetting
  url`;

const MEMBER_FIELDS = `
    pageInfo { hasNextPage endCursor }
    nodes { id login name email isSiteAdmin }`;

const USER_FIELDS = 'id databaseId login name email';

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface TeamMemberNode {
  id: string;
  login: string;
  name: string | null;
  email: string;
  isSiteAdmin: boolean;
}

interface MemberConnection {
  pageInfo: PageInfo;
  nodes: Array<TeamMemberNode | null>;
}

export interface TeamNode {
  id: string;
  databaseId: number | null;
  name: string;
  slug: string;
  description: string | null;
  privacy: string;
  notificationSetting: string;
  url: string;
  parentTeam?: Omit<TeamNode, 'parentTeam' | 'members'> | null;
  members?: MemberConnection;
}

export interface UserNode {
  id: string;
  databaseId: number | null;
  login: string;
  name: string | null;
  email: string;
}

/** The organization a team belongs to, for the REST urls of its teams. */
export interface TeamOrganization {
  login: string;
  databaseId: number | null;
  apiUrl: string;
}

function teamSelection(members: boolean): string {
  return `${TEAM_FIELDS}
  parentTeam { ${TEAM_FIELDS} }
  ${members ? `members(first: ${PAGE_SIZE}) { ${MEMBER_FIELDS} }` : ''}`;
}

const REST_PRIVACY: Record<string, string> = { VISIBLE: 'closed', SECRET: 'secret' };

/** A team's REST fields from its GraphQL node (the parent's too). */
function restTeam(node: Omit<TeamNode, 'members' | 'parentTeam'>, organization: TeamOrganization) {
  const url = `${organization.apiUrl}/organizations/${organization.databaseId}/team/${node.databaseId}`;
  return {
    id: node.databaseId,
    node_id: node.id,
    name: node.name,
    slug: node.slug,
    description: node.description,
    privacy: REST_PRIVACY[node.privacy] ?? node.privacy.toLowerCase(),
    notification_setting: node.notificationSetting.toLowerCase(),
    // What GitHub's team lists answer for this deprecated field.
    permission: 'pull',
    url,
    html_url: node.url,
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
  };
}

/** A team node as the vendor's team objects are (`members` set: read with its members, all of them). */
export function toTeamObject(node: TeamNode, organization: TeamOrganization): Record<string, unknown> {
  const team: Record<string, unknown> = {
    ...restTeam(node, organization),
    parent: node.parentTeam ? restTeam(node.parentTeam, organization) : null,
  };
  if (!node.members) return team;
  return {
    ...team,
    members: { nodes: node.members.nodes.filter((member): member is TeamMemberNode => member !== null) },
    databaseId: node.databaseId,
    notificationSetting: node.notificationSetting,
    __graphql_privacy: node.privacy,
    __organization: organization.login,
  };
}

/** Where the page after `after` starts; null when there is none, or when GitHub's cursor did not move past it. */
function nextCursor(pageInfo: PageInfo, after: string | null): string | null {
  return pageInfo.hasNextPage && pageInfo.endCursor !== null && pageInfo.endCursor !== after
    ? pageInfo.endCursor
    : null;
}

/** Reads the members after the first page of each team that has more, into its node. */
async function readAllMembers(graphql: GraphqlRead, owner: string, team: TeamNode): Promise<void> {
  const members = team.members;
  if (!members) return;
  let pageInfo = members.pageInfo;
  for (let page = 0; page < MAX_MEMBER_PAGES && pageInfo.hasNextPage && pageInfo.endCursor; page++) {
    const after = pageInfo.endCursor;
    const data = await graphql<{ organization: { team: { members: MemberConnection } | null } | null }>(
      `query WharfTeamMembers($owner: String!, $slug: String!, $after: String) {
  rateLimit { cost remaining resetAt }
  organization(login: $owner) { team(slug: $slug) { members(first: ${PAGE_SIZE}, after: $after) { ${MEMBER_FIELDS} } } }
}`,
      { owner, slug: team.slug, after },
    );
    const next = data.organization?.team?.members;
    if (!next) break;
    members.nodes.push(...next.nodes);
    // A cursor that does not advance would read the same page forever.
    const following = nextCursor(next.pageInfo, after);
    pageInfo = { hasNextPage: following !== null, endCursor: following };
  }
  members.pageInfo = { hasNextPage: false, endCursor: null };
}

export interface TeamPage {
  /** Null: the account is not an organization (a user has no teams). */
  organization: TeamOrganization | null;
  teams: TeamNode[];
  next: string | null;
}

/** One page of the organization's teams (by name), each with all its members when `members` is set. */
export async function readTeamPage(
  graphql: GraphqlRead,
  owner: string,
  apiUrl: string,
  members: boolean,
  after: string | null,
): Promise<TeamPage> {
  const data = await graphql<{
    organization: {
      databaseId: number | null;
      teams: { pageInfo: PageInfo; nodes: Array<TeamNode | null> };
    } | null;
  }>(
    `query WharfTeams($owner: String!, $after: String) {
  rateLimit { cost remaining resetAt }
  organization(login: $owner) {
    databaseId
    teams(first: ${PAGE_SIZE}, after: $after, orderBy: {field: NAME, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { ${teamSelection(members)} }
    }
  }
}`,
    { owner, after },
  );
  if (!data.organization) return { organization: null, teams: [], next: null };
  const { pageInfo, nodes } = data.organization.teams;
  const teams = nodes.filter((node): node is TeamNode => node !== null);
  for (const team of teams) await readAllMembers(graphql, owner, team);
  return {
    organization: { login: owner, databaseId: data.organization.databaseId, apiUrl },
    teams,
    next: nextCursor(pageInfo, after),
  };
}

/** One team by slug with all its members; null when the organization has no such team. */
export async function readTeam(
  graphql: GraphqlRead,
  owner: string,
  apiUrl: string,
  slug: string,
): Promise<{ organization: TeamOrganization; team: TeamNode } | null> {
  const data = await graphql<{ organization: { databaseId: number | null; team: TeamNode | null } | null }>(
    `query WharfTeam($owner: String!, $slug: String!) {
  rateLimit { cost remaining resetAt }
  organization(login: $owner) {
    databaseId
    team(slug: $slug) { ${teamSelection(true)} }
  }
}`,
    { owner, slug },
  );
  const team = data.organization?.team;
  if (!data.organization || !team) return null;
  await readAllMembers(graphql, owner, team);
  return { organization: { login: owner, databaseId: data.organization.databaseId, apiUrl }, team };
}

/** One page of the organization's members; null organization: the account is a user. */
export async function readMemberPage(
  graphql: GraphqlRead,
  owner: string,
  after: string | null,
): Promise<{ users: UserNode[]; next: string | null }> {
  const data = await graphql<{
    organization: { membersWithRole: { pageInfo: PageInfo; nodes: Array<UserNode | null> } } | null;
  }>(
    `query WharfMembers($owner: String!, $after: String) {
  rateLimit { cost remaining resetAt }
  organization(login: $owner) {
    membersWithRole(first: ${PAGE_SIZE}, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ${USER_FIELDS} }
    }
  }
}`,
    { owner, after },
  );
  if (!data.organization) return { users: [], next: null };
  const { pageInfo, nodes } = data.organization.membersWithRole;
  return {
    users: nodes.filter((node): node is UserNode => node !== null),
    next: nextCursor(pageInfo, after),
  };
}

/** One user by login; null when GitHub has none. */
export async function readUser(graphql: GraphqlRead, login: string): Promise<UserNode | null> {
  const data = await graphql<{ user: UserNode | null }>(
    `query WharfUser($login: String!) {
  rateLimit { cost remaining resetAt }
  user(login: $login) { ${USER_FIELDS} }
}`,
    { login },
  );
  return data.user ?? null;
}
