/**
 * Branches: the repository's `refs/heads/` read with GraphQL (many repositories per query), converted to the REST
 * shape of `GET /repos/{owner}/{repo}/branches` (`name`, `commit.sha`, `protected`) with the vendor's
 * `__repository` and `__organization`. `detailed: true` gives the shape of `GET .../branches/{branch}` (the head
 * commit's details, `_links`, `protection`) and `protectionRules: true` the vendor's `__protection_rules` (the shape
 * of `GET .../branches/{branch}/protection`, null for a branch no rule protects), both from the same GraphQL query
 * instead of a REST read per branch. Live: `create` and `delete` events of `ref_type: branch`.
 */
import type { SelectorOf } from '../mapping/index.ts';
import type { KindDefinition, LiveChange, LiveReads, RepositoryRef } from './kind-definition.ts';
import { connectionPage, repositoryApi, type RepositoryConnections, withTolerance } from './repository-connections.ts';
import { payloadRef, repositoryObject } from './repository-objects.ts';
import { restUser } from './rest-shapes.ts';

type Selector = SelectorOf<'branch'>;

/** What a selector asks of each branch beyond the list shape. */
interface Depth {
  detailed: boolean;
  protectionRules: boolean;
}

const GIT_ACTOR = 'name email date user { login url avatarUrl id databaseId }';

/** The fields of a branch's ref for `depth`. */
export function branchFields(depth: Depth): string {
  const commit = depth.detailed
    ? `... on Commit {
        url message
        author { ${GIT_ACTOR} }
        committer { ${GIT_ACTOR} }
        tree { oid }
        parents(first: 5) { nodes { oid url } }
      }`
    : '';
  const rule = depth.protectionRules
    ? `branchProtectionRule {
        pattern isAdminEnforced
        requiresApprovingReviews requiredApprovingReviewCount dismissesStaleReviews requiresCodeOwnerReviews
        requireLastPushApproval
        requiresStatusChecks requiresStrictStatusChecks requiredStatusChecks { context app { databaseId } }
        requiresCommitSignatures requiresLinearHistory allowsForcePushes allowsDeletions blocksCreations
        requiresConversationResolution lockBranch lockAllowsFetchAndMerge
      }`
    : '';
  return `
  id name
  target { __typename oid ${commit} }
  refUpdateRule { pattern requiredStatusCheckContexts }
  ${rule}`;
}

interface GitActorNode {
  name: string | null;
  email: string | null;
  date: string | null;
  user: { login: string; url: string; avatarUrl?: string; id?: string; databaseId?: number | null } | null;
}

interface RuleNode {
  pattern: string;
  isAdminEnforced: boolean;
  requiresApprovingReviews: boolean;
  requiredApprovingReviewCount: number | null;
  dismissesStaleReviews: boolean;
  requiresCodeOwnerReviews: boolean;
  requireLastPushApproval: boolean;
  requiresStatusChecks: boolean;
  requiresStrictStatusChecks: boolean;
  requiredStatusChecks: Array<{ context: string; app: { databaseId: number | null } | null }> | null;
  requiresCommitSignatures: boolean;
  requiresLinearHistory: boolean;
  allowsForcePushes: boolean;
  allowsDeletions: boolean;
  blocksCreations: boolean;
  requiresConversationResolution: boolean;
  lockBranch: boolean;
  lockAllowsFetchAndMerge: boolean;
}

export interface BranchRefNode {
  id: string;
  name: string;
  target: {
    __typename?: string;
    oid: string;
    url?: string;
    message?: string;
    author?: GitActorNode | null;
    committer?: GitActorNode | null;
    tree?: { oid: string };
    parents?: { nodes: Array<{ oid: string; url: string } | null> };
  } | null;
  refUpdateRule: { pattern: string; requiredStatusCheckContexts: Array<string | null> | null } | null;
  branchProtectionRule?: RuleNode | null;
}

const gitUser = (actor: GitActorNode | null | undefined) =>
  actor ? { name: actor.name, email: actor.email, date: actor.date } : null;

/** The protection of a branch as `GET .../branches/{branch}/protection` gives it. */
export function toRestProtection(rule: RuleNode, protectionUrl: string) {
  const checks = rule.requiredStatusChecks ?? [];
  return {
    url: protectionUrl,
    ...(rule.requiresStatusChecks && {
      required_status_checks: {
        url: `${protectionUrl}/required_status_checks`,
        strict: rule.requiresStrictStatusChecks,
        contexts: checks.map((check) => check.context),
        contexts_url: `${protectionUrl}/required_status_checks/contexts`,
        checks: checks.map((check) => ({ context: check.context, app_id: check.app?.databaseId ?? null })),
      },
    }),
    ...(rule.requiresApprovingReviews && {
      required_pull_request_reviews: {
        url: `${protectionUrl}/required_pull_request_reviews`,
        dismiss_stale_reviews: rule.dismissesStaleReviews,
        require_code_owner_reviews: rule.requiresCodeOwnerReviews,
        required_approving_review_count: rule.requiredApprovingReviewCount ?? 0,
        require_last_push_approval: rule.requireLastPushApproval,
      },
    }),
    required_signatures: { url: `${protectionUrl}/required_signatures`, enabled: rule.requiresCommitSignatures },
    enforce_admins: { url: `${protectionUrl}/enforce_admins`, enabled: rule.isAdminEnforced },
    required_linear_history: { enabled: rule.requiresLinearHistory },
    allow_force_pushes: { enabled: rule.allowsForcePushes },
    allow_deletions: { enabled: rule.allowsDeletions },
    block_creations: { enabled: rule.blocksCreations },
    required_conversation_resolution: { enabled: rule.requiresConversationResolution },
    lock_branch: { enabled: rule.lockBranch },
    allow_fork_syncing: { enabled: rule.lockAllowsFetchAndMerge },
  };
}

/** A branch as the branches list gives it, or (detailed) as the single-branch read does. */
export function toRestBranch(node: BranchRefNode, repository: RepositoryRef, apiUrl: string, depth: Depth) {
  const api = repositoryApi(apiUrl, repository);
  const sha = node.target?.oid ?? null;
  const name = encodeURIComponent(node.name).replaceAll('%2F', '/');
  const protectionUrl = `${api}/branches/${name}/protection`;
  const isProtected = node.refUpdateRule !== null || Boolean(node.branchProtectionRule);
  const branch: Record<string, unknown> = {
    name: node.name,
    commit: { sha, url: sha ? `${api}/commits/${sha}` : null },
    protected: isProtected,
  };
  if (depth.detailed) {
    const target = node.target;
    const htmlUrl = target?.url ?? null;
    branch.commit = {
      sha,
      node_id: null,
      url: sha ? `${api}/commits/${sha}` : null,
      html_url: htmlUrl,
      commit: {
        author: gitUser(target?.author),
        committer: gitUser(target?.committer),
        message: target?.message ?? null,
        tree: target?.tree ? { sha: target.tree.oid, url: `${api}/git/trees/${target.tree.oid}` } : null,
        url: sha ? `${api}/git/commits/${sha}` : null,
      },
      author: target?.author?.user ? restUser({ __typename: 'User', ...target.author.user }, apiUrl) : null,
      committer: target?.committer?.user ? restUser({ __typename: 'User', ...target.committer.user }, apiUrl) : null,
      parents: (target?.parents?.nodes ?? []).flatMap((parent) =>
        parent ? [{ sha: parent.oid, url: `${api}/commits/${parent.oid}`, html_url: parent.url }] : [],
      ),
    };
    branch._links = {
      self: `${api}/branches/${name}`,
      html: htmlUrl ? htmlUrl.replace(/\/commit\/[0-9a-f]+$/, `/tree/${name}`) : null,
    };
    const contexts = (node.refUpdateRule?.requiredStatusCheckContexts ?? []).filter(
      (context): context is string => typeof context === 'string',
    );
    const adminEnforced = node.branchProtectionRule?.isAdminEnforced;
    branch.protection = {
      enabled: isProtected,
      required_status_checks: {
        enforcement_level: contexts.length === 0 ? 'off' : adminEnforced === false ? 'non_admins' : 'everyone',
        contexts,
        checks: contexts.map((context) => ({ context, app_id: null })),
      },
    };
    branch.protection_url = protectionUrl;
  }
  if (depth.protectionRules) {
    branch.__protection_rules = node.branchProtectionRule
      ? toRestProtection(node.branchProtectionRule, protectionUrl)
      : null;
  }
  return branch;
}

/**
 * GitHub answers a protection rule only to an App that may administer the repository (`administration: read`);
 * without it, the rule is null and the rest of the answer stands, as the vendor leaves `__protection_rules` null.
 */
const tolerates = (error: { path?: ReadonlyArray<string | number> }) =>
  error.path?.includes('branchProtectionRule') ?? false;

function connections(depth: Depth): RepositoryConnections<BranchRefNode> {
  return {
    kind: 'branch',
    streams: [
      {
        alias: 'branches',
        field: 'refs',
        arguments: 'refPrefix: "refs/heads/", orderBy: {field: ALPHABETICAL, direction: ASC}',
        limit: Infinity,
      },
    ],
    nodeFields: branchFields(depth),
    // A detailed commit's parents are a connection GitHub charges per branch asked for.
    repositoriesPerPage: depth.detailed ? 50 : 100,
    // A protection rule GitHub may refuse (tolerates) is read in follow-ups only, which can take a partial answer.
    first: depth.protectionRules ? 0 : 20,
    followUpFirst: depth.detailed ? 50 : 100,
    followUpNodes: depth.detailed ? 200 : 1000,
    toObjects: (nodes, repository, reads) =>
      nodes.map((node) => repositoryObject(toRestBranch(node, repository, reads.apiUrl, depth), node.name, repository)),
    ...(depth.protectionRules && { tolerates }),
  };
}

const depthOf = (selector: Selector): Depth => ({
  detailed: selector.detailed,
  protectionRules: selector.protectionRules,
});

/** What the configuration's selectors ask of a branch an event created: the most any of them does. */
async function liveDepth(reads: LiveReads): Promise<Depth> {
  const selectors = (await reads.selectors?.()) ?? [];
  return {
    detailed: selectors.some((selector) => selector.detailed === true),
    protectionRules: selectors.some((selector) => selector.protectionRules === true),
  };
}

function branchEvent(created: boolean) {
  return async (payload: Record<string, unknown>, reads: LiveReads): Promise<LiveChange[]> => {
    const branch = payloadRef(payload, 'branch');
    if (!branch) return [];
    const { repository, name } = branch;
    if (!created) return [{ object: null, item: name, repository }];
    const depth = await liveDepth(reads);
    const data = await withTolerance({ tolerates }, () =>
      reads.graphql<{ repository: { ref: BranchRefNode | null } | null }>(
        `query WharfBranch($owner: String!, $name: String!, $ref: String!) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { ${branchFields(depth)} } }
}`,
        { owner: repository.owner, name: repository.name, ref: `refs/heads/${name}` },
      ),
    );
    const node = data.repository?.ref ?? null;
    if (!node) return [{ object: null, item: name, repository }];
    return [repositoryObject(toRestBranch(node, repository, reads.apiUrl, depth), name, repository)];
  };
}

export const branchKind: KindDefinition<'branch'> = {
  kind: 'branch',
  scope: 'repository',
  resyncPage: (reads, selector, cursor) => connectionPage(reads, connections(depthOf(selector)), cursor),
  events: { create: branchEvent(true), delete: branchEvent(false) },
  permissions: { contents: 'read' },
};
