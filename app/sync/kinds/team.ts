/**
 * An organization's teams: one GraphQL query per 100 teams, with up to 100 members of each (`members: true`, the
 * default), and a query more per further 100 members of a team; shaped as the vendor's team objects are
 * (account-queries.ts). Live: `team` created or edited reads the team again, deleted removes it; `membership` added
 * or removed reads the team's members again. A user account has no teams.
 */
import { readTeam, readTeamPage, toTeamObject } from './account-queries.ts';
import type { KindDefinition, LiveHandler } from './kind-definition.ts';

interface TeamPayload {
  team?: { id?: number; slug?: string; deleted?: boolean } | null;
}

/** The team of the event read again (members and all), or gone. */
const readAgain: LiveHandler = async (payload, reads) => {
  const team = (payload as TeamPayload).team;
  if (typeof team?.id !== 'number') return [];
  const item = String(team.id);
  // A membership event about a team deleted since carries no slug.
  if (!team.slug || team.deleted) return [];
  const found = await readTeam(reads.graphql, reads.owner, reads.apiUrl, team.slug);
  return [{ object: found ? toTeamObject(found.team, found.organization) : null, item }];
};

const gone: LiveHandler = async (payload) => {
  const id = (payload as TeamPayload).team?.id;
  return typeof id === 'number' ? [{ object: null, item: String(id) }] : [];
};

export const teamKind: KindDefinition<'team'> = {
  kind: 'team',
  scope: 'organization',
  async resyncPage(reads, selector, cursor) {
    const page = await readTeamPage(reads.graphql, reads.owner, reads.apiUrl, selector.members, cursor);
    const organization = page.organization;
    if (!organization) return { objects: [], next: null };
    return {
      objects: page.teams
        .filter((team) => team.databaseId !== null)
        .map((team) => ({ object: toTeamObject(team, organization), item: String(team.databaseId) })),
      next: page.next,
    };
  },
  events: {
    'team.created': readAgain,
    'team.edited': readAgain,
    'team.deleted': gone,
    'membership.added': readAgain,
    'membership.removed': readAgain,
  },
  permissions: { members: 'read' },
};
