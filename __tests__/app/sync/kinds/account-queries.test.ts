import { expect, test } from '@jest/globals';
import { toTeamObject, type TeamNode } from '../../../../app/sync/kinds/account-queries.ts';

const organization = { login: 'acme', databaseId: 9, apiUrl: 'https://api.github.com' };
const node = (fields: Partial<TeamNode> = {}): TeamNode => ({
  id: 'T_kwDO',
  databaseId: 42,
  name: 'Platform',
  slug: 'platform',
  description: null,
  privacy: 'SECRET',
  notificationSetting: 'NOTIFICATIONS_DISABLED',
  url: 'https://github.com/orgs/acme/teams/platform',
  parentTeam: null,
  ...fields,
});

test('a team without its members is the REST team: ids, enums and urls as REST names them', () => {
  const parent = node({ databaseId: 7, slug: 'eng', name: 'Eng', privacy: 'VISIBLE', id: 'T_parent' });
  expect(toTeamObject(node({ parentTeam: parent }), organization)).toEqual({
    id: 42,
    node_id: 'T_kwDO',
    name: 'Platform',
    slug: 'platform',
    description: null,
    privacy: 'secret',
    notification_setting: 'notifications_disabled',
    permission: 'pull',
    url: 'https://api.github.com/organizations/9/team/42',
    html_url: 'https://github.com/orgs/acme/teams/platform',
    members_url: 'https://api.github.com/organizations/9/team/42/members{/member}',
    repositories_url: 'https://api.github.com/organizations/9/team/42/repos',
    parent: expect.objectContaining({ id: 7, slug: 'eng', privacy: 'closed' }),
  });
});

test('with its members: the vendor additions, members without null nodes', () => {
  const member = { id: 'U_1', login: 'alice', name: null, email: '', isSiteAdmin: false };
  const team = toTeamObject(
    node({ members: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [member, null] } }),
    organization,
  );
  expect(team).toMatchObject({
    members: { nodes: [member] },
    databaseId: 42,
    notificationSetting: 'NOTIFICATIONS_DISABLED',
    __graphql_privacy: 'SECRET',
    __organization: 'acme',
  });
});
