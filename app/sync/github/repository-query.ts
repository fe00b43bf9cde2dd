/**
 * The GraphQL that reads repositories with the files a mapping needs, and the conversion of its answer to the
 * REST shape (`.name`, `.full_name`, `.html_url`, `.default_branch`, `.language`, `.topics`, `.visibility`,
 * `.owner.login`, ...), so that mappings written for the vendor's integration, whose objects come from the REST API,
 * work as they are. Pure: no calls here.
 */

/** The fields of a repository; the REST names they become are in toRestRepository. */
export const REPOSITORY_FRAGMENT = `
fragment WharfRepository on Repository {
  id
  databaseId
  name
  nameWithOwner
  url
  description
  homepageUrl
  isPrivate
  visibility
  isArchived
  isDisabled
  isFork
  isTemplate
  mirrorUrl
  createdAt
  updatedAt
  pushedAt
  diskUsage
  stargazerCount
  forkCount
  hasIssuesEnabled
  hasWikiEnabled
  hasProjectsEnabled
  hasDiscussionsEnabled
  primaryLanguage { name }
  defaultBranchRef { name target { oid } }
  licenseInfo { key name spdxId url }
  repositoryTopics(first: 20) { nodes { topic { name } } }
  owner {
    __typename
    id
    login
    url
    ... on Organization { databaseId }
    ... on User { databaseId }
  }
}`;

export interface RepositoryNode {
  id: string;
  databaseId: number;
  name: string;
  nameWithOwner: string;
  url: string;
  description: string | null;
  homepageUrl: string | null;
  isPrivate: boolean;
  visibility: string;
  isArchived: boolean;
  isDisabled: boolean;
  isFork: boolean;
  isTemplate: boolean;
  mirrorUrl: string | null;
  createdAt: string;
  updatedAt: string;
  pushedAt: string | null;
  diskUsage: number | null;
  stargazerCount: number;
  forkCount: number;
  hasIssuesEnabled: boolean;
  hasWikiEnabled: boolean;
  hasProjectsEnabled: boolean;
  hasDiscussionsEnabled: boolean;
  primaryLanguage: { name: string } | null;
  defaultBranchRef: { name: string; target?: { oid: string } | null } | null;
  licenseInfo: { key: string; name: string; spdxId: string | null; url: string | null } | null;
  repositoryTopics: { nodes: Array<{ topic: { name: string } }> };
  owner: { __typename: string; id: string; login: string; url: string; databaseId?: number };
  /** The file aliases of the query: `file0`, `file1`, ... */
  [file: `file${number}`]: { text: string | null } | null | undefined;
}

/** `file0: object(expression: $file0) { ... on Blob { text } }` for each expression, the variables declared apart. */
export function fileFields(count: number, prefix = '', blobFields = 'text'): string {
  return Array.from(
    { length: count },
    (_, index) => `${prefix}file${index}: object(expression: $${prefix}file${index}) { ... on Blob { ${blobFields} } }`,
  ).join('\n');
}

function fileVariables(expressions: readonly string[], prefix = ''): Record<string, string> {
  return Object.fromEntries(expressions.map((expression, index) => [`${prefix}file${index}`, expression]));
}

function fileDeclarations(count: number, prefix = ''): string {
  return Array.from({ length: count }, (_, index) => `, $${prefix}file${index}: String!`).join('');
}

/** `HEAD:path` (the default branch) or `<sha>:path`. */
export const blobExpression = (path: string, ref = 'HEAD'): string => `${ref}:${path}`;

/** One page of the repositories of an organization or user, each with the files at `paths` on its default branch. */
export function repositoryPageQuery(
  owner: string,
  first: number,
  after: string | null,
  paths: readonly string[],
): { query: string; variables: Record<string, unknown> } {
  const query = `query WharfRepositoryPage($owner: String!, $first: Int!, $after: String${fileDeclarations(paths.length)}) {
  rateLimit { cost remaining resetAt }
  repositoryOwner(login: $owner) {
    repositories(first: $first, after: $after, ownerAffiliations: [OWNER], orderBy: {field: NAME, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ...WharfRepository
        ${fileFields(paths.length)}
      }
    }
  }
}
${REPOSITORY_FRAGMENT}`;
  const variables = { owner, first, after, ...fileVariables(paths.map((path) => blobExpression(path))) };
  return { query, variables };
}

export interface RepositoryRequest {
  owner: string;
  name: string;
  /** Blob expressions (`HEAD:README.md`, `<sha>:services/port.yml`). */
  expressions: readonly string[];
  /** Without the repository's own fields: files only. */
  filesOnly?: boolean;
  /** The fields of each Blob (default `text`). */
  blobFields?: string;
}

/** Named repositories (each its own alias `repo0`, `repo1`, ...) with their files, in one query. */
export function repositoriesQuery(requests: readonly RepositoryRequest[]): {
  query: string;
  variables: Record<string, unknown>;
} {
  const declarations: string[] = [];
  const blocks: string[] = [];
  let variables: Record<string, unknown> = {};
  requests.forEach((request, index) => {
    const prefix = `repo${index}_`;
    declarations.push(
      `$${prefix}owner: String!, $${prefix}name: String!${fileDeclarations(request.expressions.length, prefix)}`,
    );
    blocks.push(`repo${index}: repository(owner: $${prefix}owner, name: $${prefix}name) {
    ${request.filesOnly ? 'id' : '...WharfRepository'}
    ${fileFields(request.expressions.length, prefix, request.blobFields)}
  }`);
    variables = {
      ...variables,
      [`${prefix}owner`]: request.owner,
      [`${prefix}name`]: request.name,
      ...fileVariables(request.expressions, prefix),
    };
  });
  const usesFragment = requests.some((request) => !request.filesOnly);
  const query = `query WharfRepositories(${declarations.join(', ')}) {
  rateLimit { cost remaining resetAt }
  ${blocks.join('\n  ')}
}
${usesFragment ? REPOSITORY_FRAGMENT : ''}`;
  return { query, variables };
}

/** The file texts of an answered node, by path (null: no such file, or not text). */
export function filesOf(
  node: Record<string, unknown>,
  paths: readonly string[],
  prefix = '',
): Record<string, string | null> {
  const files: Record<string, string | null> = {};
  paths.forEach((path, index) => {
    const blob = node[`${prefix}file${index}`] as { text?: string | null } | null | undefined;
    files[path] = blob?.text ?? null;
  });
  return files;
}

/** A repository as the REST API (and so the webhooks) shape it. */
export interface RestRepository {
  id: number;
  node_id: string;
  name: string;
  full_name: string;
  owner: { login: string; id: number | null; node_id: string; type: string; html_url: string; url: string };
  private: boolean;
  visibility: string;
  html_url: string;
  url: string;
  description: string | null;
  homepage: string | null;
  fork: boolean;
  language: string | null;
  topics: string[];
  archived: boolean;
  disabled: boolean;
  is_template: boolean;
  mirror_url: string | null;
  default_branch: string | null;
  license: { key: string; name: string; spdx_id: string | null; url: string | null } | null;
  size: number;
  stargazers_count: number;
  watchers_count: number;
  watchers: number;
  forks_count: number;
  forks: number;
  has_issues: boolean;
  has_wiki: boolean;
  has_projects: boolean;
  has_discussions: boolean;
  created_at: string;
  updated_at: string;
  pushed_at: string | null;
}

/** `apiUrl`: the REST API's base (https://api.github.com, or a GitHub Enterprise Server's /api/v3). */
export function toRestRepository(node: RepositoryNode, apiUrl: string): RestRepository {
  const api = apiUrl.replace(/\/+$/, '');
  return {
    id: node.databaseId,
    node_id: node.id,
    name: node.name,
    full_name: node.nameWithOwner,
    owner: {
      login: node.owner.login,
      id: node.owner.databaseId ?? null,
      node_id: node.owner.id,
      type: node.owner.__typename === 'Organization' ? 'Organization' : 'User',
      html_url: node.owner.url,
      url: `${api}/users/${node.owner.login}`,
    },
    private: node.isPrivate,
    visibility: node.visibility.toLowerCase(),
    html_url: node.url,
    url: `${api}/repos/${node.nameWithOwner}`,
    description: node.description,
    homepage: node.homepageUrl,
    fork: node.isFork,
    language: node.primaryLanguage?.name ?? null,
    topics: node.repositoryTopics.nodes.map((entry) => entry.topic.name),
    archived: node.isArchived,
    disabled: node.isDisabled,
    is_template: node.isTemplate,
    mirror_url: node.mirrorUrl,
    default_branch: node.defaultBranchRef?.name ?? null,
    license: node.licenseInfo
      ? {
          key: node.licenseInfo.key,
          name: node.licenseInfo.name,
          spdx_id: node.licenseInfo.spdxId,
          url: node.licenseInfo.url,
        }
      : null,
    size: node.diskUsage ?? 0,
    stargazers_count: node.stargazerCount,
    // The REST API's watchers fields have counted stars since GitHub renamed watching to starring.
    watchers_count: node.stargazerCount,
    watchers: node.stargazerCount,
    forks_count: node.forkCount,
    forks: node.forkCount,
    has_issues: node.hasIssuesEnabled,
    has_wiki: node.hasWikiEnabled,
    has_projects: node.hasProjectsEnabled,
    has_discussions: node.hasDiscussionsEnabled,
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    pushed_at: node.pushedAt,
  };
}
