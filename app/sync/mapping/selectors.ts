/**
 * The kinds of GitHub objects port-app-config.yml can map (those of the vendor's GitHub integration) and the
 * selector options of each beside `query`, with the vendor's names and defaults. A key a kind does not know is a
 * configuration error: a typo such as `state:` for `states:` must not silently sync everything.
 */
import { z } from 'zod';
import { globPatternProblem } from '../../../src/glob/index.ts';
import { searchQueryProblem } from '../repositories/search-query.ts';

export const KINDS = [
  'organization',
  'repository',
  'pull-request',
  'issue',
  'release',
  'tag',
  'branch',
  'environment',
  'deployment',
  'workflow',
  'workflow-run',
  'dependabot-alert',
  'code-scanning-alerts',
  'secret-scanning-alerts',
  'team',
  'user',
  'file',
  'folder',
  'collaborator',
] as const;
export type Kind = (typeof KINDS)[number];

const filePath = z
  .string()
  .refine((value) => value.trim().length > 0 && !value.endsWith('/'), 'must be the path of a file in the repository');
const nonEmpty = z.string().refine((value) => value.trim().length > 0, 'must not be empty');

/** A glob of paths in a repository (`specPath`, a file or folder pattern's `path`): one the glob engine takes. */
export const globPattern = nonEmpty.superRefine((pattern, context) => {
  const problem = globPatternProblem(pattern);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/** Lists of enum values: one value alone (`states: open`) is read as a list of one, as YAML users write it. */
function listOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(z.enum(values)));
}

/**
 * Label names, as the vendor's `labels` (a list; GitHub's own filter takes them comma-separated, so a comma within
 * an entry separates names too, and `labels: "bug,ui"` is the same list): each trimmed, empty ones dropped.
 */
const labelNames = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z
    .array(z.string())
    .transform((entries) => entries.flatMap((entry) => entry.split(',')).map((name) => name.trim()))
    .transform((names) => names.filter((name) => name.length > 0)),
);

/** Branch names (`branchNames: [main, develop]`, or one name alone). */
const BRANCH_NAMES_MAX = 100;
const branchNames = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z.array(nonEmpty).max(BRANCH_NAMES_MAX),
);

/** What a repository resource's `include` adds to the object its jq sees (`__collaborators`, `__teams`, `__sbom`). */
export const REPOSITORY_INCLUDES = ['collaborators', 'teams', 'sbom'] as const;
export type RepositoryInclude = (typeof REPOSITORY_INCLUDES)[number];

/** The ecosystems GitHub's Dependabot alert lists filter by (`ecosystem`), as the vendor's selector names them. */
export const DEPENDABOT_ECOSYSTEMS = [
  'composer',
  'go',
  'maven',
  'npm',
  'nuget',
  'pip',
  'pub',
  'rubygems',
  'rust',
] as const;

/** A repository named by a file or folder pattern: `name` or `{ name, branch }` (default branch when unset). */
const repositoryBranch = z.preprocess(
  (value) => (typeof value === 'string' ? { name: value } : value),
  z.strictObject({ name: nonEmpty, branch: nonEmpty.nullish() }),
);

export interface RepositoryBranch {
  name: string;
  branch?: string | null | undefined;
}

const filePattern = z.strictObject({
  path: globPattern,
  repos: z.array(repositoryBranch).nullish(),
  organization: nonEmpty.nullish(),
  skipParsing: z.boolean().default(false),
  validationCheck: z.boolean().default(false),
});

const folderPattern = z.strictObject({
  path: globPattern.default('*'),
  /** Unset: every repository of the account (a tree read each), as the vendor's newer integration allows. */
  repos: z.array(repositoryBranch).nullish(),
  branch: nonEmpty.nullish(),
  organization: nonEmpty.nullish(),
});

/**
 * `repoSearch: {query}`: the repositories GitHub's repository search finds among the account's, as the vendor
 * reads it; an empty query finds every repository but forks, as GitHub's search does.
 */
const repoSearch = z.strictObject(
  {
    query: z
      .preprocess((value) => value ?? '', z.string())
      .superRefine((query, context) => {
        const problem = searchQueryProblem(query);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'expected one of: query' : undefined) },
);
/** The vendor's integration takes `repoSearch` on every kind but team, user, file and folder. */
const searched = { repoSearch: repoSearch.optional() };

/** Each kind's selector keys beside `query`; every key is optional or has the vendor's default. */
export const SELECTOR_SHAPES = {
  /** The vendor's organization takes a repoSearch too; it narrows nothing of the organization itself. */
  organization: { ...searched },
  repository: {
    includedFiles: z.array(filePath).default([]),
    /** Extra reads per repository, each only when asked: its collaborators, its teams, its SBOM. */
    include: listOf(REPOSITORY_INCLUDES).optional(),
    ...searched,
  },
  'pull-request': {
    states: listOf(['open', 'closed'] as const).default(['open']),
    maxResults: z.number().int().min(1).max(300).default(100),
    since: z.number().int().min(1).max(90).default(60),
    /** The legacy GitHub App's switch: closed pull requests of the `since` window too. */
    closedPullRequests: z.boolean().optional(),
    /** The API the vendor reads with; `graphql` gives jq the vendor's GraphQL shape of a pull request. */
    api: z.enum(['rest', 'graphql']).optional(),
    ...searched,
  },
  issue: {
    state: z.enum(['open', 'closed', 'all']).default('open'),
    /** Only issues that have every one of these labels. */
    labels: labelNames.optional(),
    ...searched,
  },
  release: { ...searched },
  tag: { ...searched },
  branch: {
    detailed: z.boolean().default(false),
    protectionRules: z.boolean().default(false),
    /** Only the repository's default branch (branchNames then counts for nothing). */
    defaultBranchOnly: z.boolean().optional(),
    /** Only the branches of these names. */
    branchNames: branchNames.optional(),
    ...searched,
  },
  environment: { ...searched },
  /** GitHub's own filters of a repository's deployments. */
  deployment: { task: nonEmpty.optional(), environment: nonEmpty.optional(), ...searched },
  workflow: { ...searched },
  'workflow-run': { ...searched },
  'dependabot-alert': {
    states: listOf(['auto_dismissed', 'dismissed', 'fixed', 'open'] as const).default(['open']),
    severity: listOf(['low', 'medium', 'high', 'critical'] as const).optional(),
    /** GitHub's `ecosystem` filter: alerts of packages of these ecosystems only. */
    ecosystems: listOf(DEPENDABOT_ECOSYSTEMS).optional(),
    ...searched,
  },
  'code-scanning-alerts': {
    state: z.enum(['open', 'closed', 'dismissed', 'fixed']).default('open'),
    severity: listOf(['critical', 'high', 'medium', 'low', 'warning', 'note', 'error'] as const).optional(),
    ...searched,
  },
  'secret-scanning-alerts': {
    state: z.enum(['open', 'resolved', 'all']).default('open'),
    hideSecret: z.boolean().default(true),
    ...searched,
  },
  team: { members: z.boolean().default(true) },
  user: { includeBots: z.boolean().default(true) },
  file: { files: z.array(filePattern).min(1) },
  folder: { folders: z.array(folderPattern).min(1) },
  /** GitHub's filter of a repository's collaborators. */
  collaborator: { affiliation: z.enum(['all', 'direct', 'outside'] as const).default('all'), ...searched },
} as const satisfies Record<Kind, z.ZodRawShape>;

/**
 * Other names of a selector key that the vendor's own documentation uses: its dependabot-alert example writes
 * `state: open` where its integration reads `states`. The alias stands for the key when the key is not written too.
 */
export const SELECTOR_ALIASES: Partial<Record<Kind, Readonly<Record<string, string>>>> = {
  'dependabot-alert': { state: 'states' },
};

type Shapes = typeof SELECTOR_SHAPES;

/** The selector options of `K` after defaults, with the jq `query` every kind has. */
export type SelectorOf<K extends Kind> = { query: string } & z.output<z.ZodObject<Shapes[K]>>;

export type FilePattern = z.output<typeof filePattern>;
export type FolderPattern = z.output<typeof folderPattern>;

/** `repositoryType` at the top of the file: which of an organization's repositories are synced. */
export const REPOSITORY_TYPES = ['all', 'public', 'private', 'forks', 'sources', 'member'] as const;
export type RepositoryType = (typeof REPOSITORY_TYPES)[number];
