/**
 * An organization's members: one GraphQL query per 100 (`membersWithRole`), shaped as the vendor's user objects are
 * (account-queries.ts). `includeBots: false` leaves out accounts whose login ends in `[bot]`. Live: `organization`
 * member_added reads the user, member_removed removes it. A user account has no members.
 */
import { readMemberPage, readUser, type UserNode } from './account-queries.ts';
import type { KindDefinition, KindObject, LiveHandler } from './kind-definition.ts';

interface MembershipPayload {
  membership?: { user?: { id?: number; login?: string } | null } | null;
}

const isBot = (login: unknown): boolean => typeof login === 'string' && login.toLowerCase().endsWith('[bot]');

function userObject(user: UserNode): KindObject | null {
  return user.databaseId === null ? null : { object: user, item: String(user.databaseId) };
}

const added: LiveHandler = async (payload, reads) => {
  const member = (payload as MembershipPayload).membership?.user;
  if (typeof member?.id !== 'number' || !member.login) return [];
  const user = await readUser(reads.graphql, member.login);
  return [{ object: user, item: String(user?.databaseId ?? member.id) }];
};

const removed: LiveHandler = async (payload) => {
  const id = (payload as MembershipPayload).membership?.user?.id;
  return typeof id === 'number' ? [{ object: null, item: String(id) }] : [];
};

export const userKind: KindDefinition<'user'> = {
  kind: 'user',
  scope: 'organization',
  async resyncPage(reads, _selector, cursor) {
    const page = await readMemberPage(reads.graphql, reads.owner, cursor);
    return { objects: page.users.flatMap((user) => userObject(user) ?? []), next: page.next };
  },
  selects: (selector, object) => selector.includeBots || !isBot((object as { login?: unknown }).login),
  events: {
    'organization.member_added': added,
    'organization.member_removed': removed,
  },
  permissions: { members: 'read' },
};
