/**
 * Tags: the repository's `refs/tags/` read with GraphQL (many repositories per query), converted to the REST shape
 * of `GET /repos/{owner}/{repo}/tags` with the vendor's `__repository` and `__organization`. Live: `create` and
 * `delete` events of `ref_type: tag` (a created tag is read, its event carries no commit).
 */
import type { KindDefinition, KindReads, LiveChange, RepositoryRef } from './kind-definition.ts';
import { connectionPage, repositoryApi, type RepositoryConnections } from './repository-connections.ts';
import { payloadRef, repositoryObject } from './repository-objects.ts';

/** The fields of a tag's ref: an annotated tag's target is a Tag object pointing at the commit. */
export const TAG_FIELDS = `
  id name
  target { __typename oid ... on Tag { target { __typename oid } } }`;

export interface TagRefNode {
  id: string;
  name: string;
  target: { __typename?: string; oid: string; target?: { oid: string } | null } | null;
}

/** A tag as `GET /repos/{owner}/{repo}/tags` gives it. */
export function toRestTag(node: TagRefNode, repository: RepositoryRef, apiUrl: string) {
  const api = repositoryApi(apiUrl, repository);
  const sha = node.target?.target?.oid ?? node.target?.oid ?? null;
  const ref = encodeURIComponent(node.name).replaceAll('%2F', '/');
  return {
    name: node.name,
    zipball_url: `${api}/zipball/refs/tags/${ref}`,
    tarball_url: `${api}/tarball/refs/tags/${ref}`,
    commit: { sha, url: sha ? `${api}/commits/${sha}` : null },
    node_id: node.id,
  };
}

const CONNECTIONS: RepositoryConnections<TagRefNode> = {
  kind: 'tag',
  streams: [
    {
      alias: 'tags',
      field: 'refs',
      arguments: 'refPrefix: "refs/tags/", orderBy: {field: TAG_COMMIT_DATE, direction: DESC}',
      limit: Infinity,
    },
  ],
  nodeFields: TAG_FIELDS,
  repositoriesPerPage: 100,
  // No connections inside a ref: a page of repositories with 20 tags each costs a point or two.
  first: 20,
  followUpFirst: 100,
  followUpNodes: 1000,
  toObjects: (nodes, repository, reads) =>
    nodes.map((node) => repositoryObject(toRestTag(node, repository, reads.apiUrl), node.name, repository)),
};

/** One tag of a repository, read for a `create` event; null when it is gone already. */
async function readTag(reads: KindReads, repository: RepositoryRef, name: string): Promise<TagRefNode | null> {
  const data = await reads.graphql<{ repository: { ref: TagRefNode | null } | null }>(
    `query WharfTag($owner: String!, $name: String!, $ref: String!) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { ${TAG_FIELDS} } }
}`,
    { owner: repository.owner, name: repository.name, ref: `refs/tags/${name}` },
  );
  return data.repository?.ref ?? null;
}

function tagEvent(created: boolean) {
  return async (payload: Record<string, unknown>, reads: KindReads): Promise<LiveChange[]> => {
    const tag = payloadRef(payload, 'tag');
    if (!tag) return [];
    const { repository, name } = tag;
    const node = created ? await readTag(reads, repository, name) : null;
    if (!node) return [{ object: null, item: name, repository }];
    return [repositoryObject(toRestTag(node, repository, reads.apiUrl), name, repository)];
  };
}

export const tagKind: KindDefinition<'tag'> = {
  kind: 'tag',
  scope: 'repository',
  resyncPage: (reads, _selector, cursor) => connectionPage(reads, CONNECTIONS, cursor),
  events: { create: tagEvent(true), delete: tagEvent(false) },
  permissions: { contents: 'read' },
};
