/**
 * Branches: the repository's `refs/heads/` read with GraphQL (many repositories per query), converted to the REST
 * shape of `GET /repos/{owner}/{repo}/branches` (`name`, `commit.sha`, `protected`) with the vendor's
 * `__repository` and `__organization`. `detailed: true` gives the shape of `GET .../branches/{branch}` (the head
 * commit's details, `_links`, `protection`) and `protectionRules: true` the vendor's `__protection_rules` (the shape
 * of `GET .../branches/{branch}/protection`, null for a branch no rule protects), both from the same GraphQL query
 * instead of a REST read per branch. Live: `create` and `delete` events of `ref_type: branch`.
 *
 * `defaultBranchOnly` (only each repository's default branch) and `branchNames` (only the branches of these names;
 * defaultBranchOnly wins when both are set, as the vendor's) read no branch list: the refs are fields of each
 * repository in its page of repositories (the default branch ref, or one `ref(qualifiedName:)` per name), 100
 * repositories a query, and `detailed` and `protectionRules` apply to them as to listed branches (the protection
 * rules in one more query per page, which may take a partial answer). Live events take a created branch only where
 * a resource takes its name (no read for one none takes).
 */
import type { SelectorOf } from '../mapping/index.ts';
import type {
  KindDefinition,
  KindObject,
  LiveChange,
  LiveReads,
  RepositoryRef,
  ResyncPage,
  ResyncReads,
} from './kind-definition.ts';
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

/** A ref's protection rule, as toRestProtection reads it. */
const RULE_FIELDS = `branchProtectionRule {
        pattern isAdminEnforced
        requiresApprovingReviews requiredApprovingReviewCount dismissesStaleReviews requiresCodeOwnerReviews
        requireLastPushApproval
        requiresStatusChecks requiresStrictStatusChecks requiredStatusChecks { context app { databaseId } }
        requiresCommitSignatures requiresLinearHistory allowsForcePushes allowsDeletions blocksCreations
        requiresConversationResolution lockBranch lockAllowsFetchAndMerge
      }`;

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
  const rule = depth.protectionRules ? RULE_FIELDS : '';
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

/** Whether each branch object is its repository's default branch, for `selects` (the object alone does not say). */
const isDefaultBranch = new WeakMap<object, boolean>();

/** A branch of `repository` as its jq sees it (toRestBranch, with the vendor's `__repository`, `__organization`). */
function branchObject(node: BranchRefNode, repository: RepositoryRef, apiUrl: string, depth: Depth): KindObject {
  const object = repositoryObject(toRestBranch(node, repository, apiUrl, depth), node.name, repository);
  isDefaultBranch.set(object.object, repository.defaultBranch !== null && node.name === repository.defaultBranch);
  return object;
}

/** Whether `selector` takes the branch `name`, which is (or is not) its repository's default branch. */
function takesBranch(selector: Partial<Selector>, name: string, isDefault: boolean): boolean {
  if (selector.defaultBranchOnly) return isDefault;
  if (selector.branchNames?.length) return selector.branchNames.includes(name);
  return true;
}

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
    toObjects: (nodes, repository, reads) => nodes.map((node) => branchObject(node, repository, reads.apiUrl, depth)),
    ...(depth.protectionRules && { tolerates }),
  };
}

/** Refs a page of repositories reads at most under `branchNames` (its repositories per page follow). */
const NAMED_REFS_PER_QUERY = 500;
/** Refs whose protection rules one query reads. */
const RULES_PER_QUERY = 100;

/** The branch names a selector reads instead of listing branches: null for the default branch, undefined: all. */
function namedBranches(selector: Selector): string[] | null | undefined {
  if (selector.defaultBranchOnly) return null;
  if (selector.branchNames?.length) return [...new Set(selector.branchNames)];
  return undefined;
}

/** A named read's cursor: the page of repositories it goes on from (another form, such as a listing's, starts over). */
function namedCursor(cursor: string | null): string | null {
  if (cursor === null) return null;
  try {
    const parsed = JSON.parse(cursor) as { named?: unknown };
    return typeof parsed?.named === 'string' ? parsed.named : null;
  } catch {
    return null;
  }
}

/**
 * A resync page of `defaultBranchOnly` (`names` null) or `branchNames`: a page of repositories with the refs as
 * fields of each, then (protectionRules) their rules in follow-up queries that tolerate rules GitHub will not show.
 */
async function namedBranchesPage(
  reads: ResyncReads,
  names: string[] | null,
  depth: Depth,
  cursor: string | null,
): Promise<ResyncPage> {
  const refFields = branchFields({ detailed: depth.detailed, protectionRules: false });
  const most = depth.detailed ? 50 : 100;
  const pageSize = names === null ? most : Math.max(1, Math.min(most, Math.floor(NAMED_REFS_PER_QUERY / names.length)));
  const selection =
    names === null
      ? `wharfDefaultBranch: defaultBranchRef { ${refFields} }`
      : names
          .map((_, index) => `wharfBranch${index}: ref(qualifiedName: $wharfBranch${index}) { ${refFields} }`)
          .join('\n');
  const page = await reads.repositoryPage<Record<string, BranchRefNode | null>>(selection, {
    cursor: namedCursor(cursor),
    pageSize,
    ...(names !== null && {
      declarations: names.map((_, index) => `, $wharfBranch${index}: String!`).join(''),
      variables: Object.fromEntries(names.map((name, index) => [`wharfBranch${index}`, `refs/heads/${name}`])),
    }),
  });
  const found: Array<{ repository: RepositoryRef; ref: BranchRefNode }> = [];
  for (const { node, ...repository } of page.repositories) {
    const refs = names === null ? [node.wharfDefaultBranch] : names.map((_, index) => node[`wharfBranch${index}`]);
    for (const ref of refs) if (ref) found.push({ repository, ref });
  }
  if (depth.protectionRules) await readRules(reads, found);
  return {
    objects: found.map(({ repository, ref }) => branchObject(ref, repository, reads.apiUrl, depth)),
    next: page.next === null ? null : JSON.stringify({ named: page.next }),
  };
}

/** The protection rule of each found ref, set on it (null where there is none or GitHub will not show it). */
async function readRules(
  reads: ResyncReads,
  found: ReadonlyArray<{ repository: RepositoryRef; ref: BranchRefNode }>,
): Promise<void> {
  for (let start = 0; start < found.length; start += RULES_PER_QUERY) {
    const batch = found.slice(start, start + RULES_PER_QUERY);
    const declarations: string[] = [];
    const variables: Record<string, unknown> = {};
    const blocks = batch.map(({ repository, ref }, index) => {
      declarations.push(`$owner${index}: String!`, `$name${index}: String!`, `$ref${index}: String!`);
      Object.assign(variables, {
        [`owner${index}`]: repository.owner,
        [`name${index}`]: repository.name,
        [`ref${index}`]: `refs/heads/${ref.name}`,
      });
      return `r${index}: repository(owner: $owner${index}, name: $name${index}) {
    ref(qualifiedName: $ref${index}) { ${RULE_FIELDS} }
  }`;
    });
    const data = await withTolerance({ tolerates }, () =>
      reads.graphql<Record<string, { ref: Pick<BranchRefNode, 'branchProtectionRule'> | null } | null>>(
        `query WharfBranchRules(${declarations.join(', ')}) {
  rateLimit { cost remaining resetAt }
  ${blocks.join('\n  ')}
}`,
        variables,
      ),
    );
    batch.forEach(({ ref }, index) => {
      ref.branchProtectionRule = data[`r${index}`]?.ref?.branchProtectionRule ?? null;
    });
  }
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
    // A branch no resource takes (defaultBranchOnly, branchNames) is worth no read.
    const selectors = (await reads.selectors?.()) ?? [{}];
    const isDefault = repository.defaultBranch !== null && name === repository.defaultBranch;
    if (!selectors.some((selector) => takesBranch(selector, name, isDefault))) return [];
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
    return [branchObject(node, repository, reads.apiUrl, depth)];
  };
}

export const branchKind: KindDefinition<'branch'> = {
  kind: 'branch',
  scope: 'repository',
  resyncPage(reads, selector, cursor) {
    const names = namedBranches(selector);
    if (names !== undefined) return namedBranchesPage(reads, names, depthOf(selector), cursor);
    return connectionPage(reads, connections(depthOf(selector)), cursor);
  },
  selects: (selector, object) =>
    takesBranch(selector, (object as { name?: unknown }).name as string, isDefaultBranch.get(object) ?? false),
  events: { create: branchEvent(true), delete: branchEvent(false) },
  permissions: { contents: 'read' },
};
