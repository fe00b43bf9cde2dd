/**
 * Releases: read with GraphQL (newest first, several repositories per query), converted to the REST shape of
 * `GET /repos/{owner}/{repo}/releases` with the vendor's `__repository` and `__organization`. Live: `release`
 * events carry the REST release; `deleted` takes it away.
 */
import type { KindDefinition, LiveChange, RepositoryRef } from './kind-definition.ts';
import { connectionPage, repositoryApi, type RepositoryConnections } from './repository-connections.ts';
import { payloadObject, repositoryObject } from './repository-objects.ts';
import { type ActorNode, restUser, USER_FIELDS } from './rest-shapes.ts';

/** The fields of a release; their REST names are in toRestRelease. */
export const RELEASE_FIELDS = `
  id databaseId name tagName description url isDraft isPrerelease isLatest createdAt publishedAt updatedAt
  author { ${USER_FIELDS} }
  tagCommit { oid }`;

export interface ReleaseNode {
  id: string;
  databaseId: number | null;
  name: string | null;
  tagName: string;
  description: string | null;
  url: string;
  isDraft: boolean;
  isPrerelease: boolean;
  isLatest: boolean;
  createdAt: string;
  publishedAt: string | null;
  updatedAt: string;
  author: ActorNode | null;
  tagCommit: { oid: string } | null;
}

/** A release as `GET /repos/{owner}/{repo}/releases` gives it. */
export function toRestRelease(node: ReleaseNode, repository: RepositoryRef, apiUrl: string) {
  const api = repositoryApi(apiUrl, repository);
  const url = `${api}/releases/${node.databaseId}`;
  return {
    url,
    assets_url: `${url}/assets`,
    html_url: node.url,
    id: node.databaseId,
    node_id: node.id,
    tag_name: node.tagName,
    // GraphQL has the commit the tag points at, not the branch a release was made from.
    target_commitish: node.tagCommit?.oid ?? null,
    name: node.name,
    draft: node.isDraft,
    prerelease: node.isPrerelease,
    created_at: node.createdAt,
    published_at: node.publishedAt,
    updated_at: node.updatedAt,
    author: restUser(node.author ? { __typename: 'User', ...node.author } : null, apiUrl),
    tarball_url: `${api}/tarball/${node.tagName}`,
    zipball_url: `${api}/zipball/${node.tagName}`,
    body: node.description,
  };
}

const CONNECTIONS: RepositoryConnections<ReleaseNode> = {
  kind: 'release',
  streams: [
    {
      alias: 'releases',
      field: 'releases',
      arguments: 'orderBy: {field: CREATED_AT, direction: DESC}',
      limit: Infinity,
    },
  ],
  nodeFields: RELEASE_FIELDS,
  repositoriesPerPage: 100,
  // No connections inside a release: a page of repositories reads each one's latest releases for a point or two.
  first: 10,
  followUpFirst: 100,
  followUpNodes: 1000,
  toObjects: (nodes, repository, reads) =>
    nodes.flatMap((node) =>
      node.databaseId === null
        ? []
        : [repositoryObject(toRestRelease(node, repository, reads.apiUrl), String(node.databaseId), repository)],
    ),
};

async function onRelease(payload: Record<string, unknown>): Promise<LiveChange[]> {
  const carried = payloadObject(payload, 'release', 'id');
  if (!carried) return [];
  const { object, item, repository } = carried;
  if (payload.action === 'deleted') return [{ object: null, item, repository }];
  return [repositoryObject(object, item, repository)];
}

export const releaseKind: KindDefinition<'release'> = {
  kind: 'release',
  scope: 'repository',
  resyncPage: (reads, _selector, cursor) => connectionPage(reads, CONNECTIONS, cursor),
  events: { release: onRelease },
  permissions: { contents: 'read' },
};
