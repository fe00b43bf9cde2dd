/**
 * The organization configuration of the catalog-sync benchmark: repositories, pull requests, issues, teams and
 * Dependabot alerts, mapped in the style of the vendor's documented examples (`githubRepository`,
 * `githubPullRequest`, ... with relations to the repository, and a team's members as relations to `githubUser`),
 * and the blueprints those mappings write, created in the catalog before the first resync.
 */

/** `specPath` left out: the default (`**\/port.yml`), which makes a first resync list every repository's tree. */
export const DEFAULT_SPEC_PATH = undefined;
/** Only a `port.yml` at the root of each repository: it comes with each page of repositories, no tree read. */
export const ROOT_SPEC_PATH = 'port.yml';

/**
 * The configuration with `specPath` (unset: the default) and the resources of `kinds` (all when unset: a kind
 * wharf does not sync yet would make the whole file refused).
 */
export function benchConfig(specPath: string | undefined, kinds?: ReadonlySet<string>): string {
  const [head, ...resources] = CONFIG.split(/(?=^ {2}- kind: )/m);
  const taken = resources.filter((resource) => !kinds || kinds.has(/- kind: ([\w-]+)/.exec(resource)![1]!));
  return `${specPath === undefined ? '' : `specPath: ${specPath}\n`}${head}${taken.join('')}`;
}

/** The kinds of the configuration, in file order. */
export function benchKinds(): string[] {
  return [...CONFIG.matchAll(/^ {2}- kind: ([\w-]+)/gm)].map((match) => match[1]!);
}

const CONFIG = `deleteDependentEntities: true
createMissingRelatedEntities: true
enableMergeEntity: true
resources:
  - kind: repository
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .name
          title: .name
          blueprint: '"githubRepository"'
          properties:
            description: .description
            visibility: .visibility
            defaultBranch: .default_branch
            language: .language
            url: .html_url
            readme: file://README.md
            codeowners: file://.github/CODEOWNERS
  - kind: pull-request
    selector:
      query: 'true'
      states: [open]
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .title
          blueprint: '"githubPullRequest"'
          properties:
            creator: .user.login
            assignees: '[.assignees[].login]'
            reviewers: '[.requested_reviewers[].login]'
            status: .state
            draft: .draft
            closedAt: .closed_at
            updatedAt: .updated_at
            mergedAt: .merged_at
            createdAt: .created_at
            prNumber: .number
            link: .html_url
          relations:
            repository: .__repository
  - kind: issue
    selector:
      query: .pull_request == null
      state: open
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .title
          blueprint: '"githubIssue"'
          properties:
            creator: .user.login
            assignees: '[.assignees[].login]'
            labels: '[.labels[].name]'
            status: .state
            createdAt: .created_at
            closedAt: .closed_at
            updatedAt: .updated_at
            description: .body
            issueNumber: .number
            link: .html_url
          relations:
            repository: .__repository
  - kind: team
    selector:
      query: 'true'
      members: true
    port:
      entity:
        mappings:
          identifier: .slug
          title: .name
          blueprint: '"githubTeam"'
          properties:
            slug: .slug
            description: .description
            link: .html_url
            notificationSetting: .notification_setting
          relations:
            members: '[.members.nodes[].login]'
  - kind: dependabot-alert
    selector:
      query: 'true'
      states: [open]
    port:
      entity:
        mappings:
          identifier: .repository.name + "-" + (.number | tostring)
          title: .security_advisory.summary
          blueprint: '"githubDependabotAlert"'
          properties:
            state: .state
            severity: .security_advisory.severity | ascii_upcase
            packageName: .dependency.package.name
            packageEcosystem: .dependency.package.ecosystem
            manifestPath: .dependency.manifest_path
            scope: .dependency.scope
            ghsaID: .security_advisory.ghsa_id
            cveID: .security_advisory.cve_id
            url: .html_url
            references: '[.security_advisory.references[].url]'
            alertCreatedAt: .created_at
            alertUpdatedAt: .updated_at
          relations:
            repository: .repository.name
`;

const text = (title: string) => ({ title, type: 'string' });
const list = (title: string) => ({ title, type: 'array' });
const number = (title: string) => ({ title, type: 'number' });
const flag = (title: string) => ({ title, type: 'boolean' });
const toRepository = { repository: { title: 'Repository', target: 'githubRepository', required: false, many: false } };

/** The blueprints of benchConfig, in an order where each relation's target comes first. */
export const BENCH_BLUEPRINTS: Array<Record<string, unknown>> = [
  {
    identifier: 'githubRepository',
    title: 'Repository',
    icon: 'Github',
    schema: {
      properties: {
        description: text('Description'),
        visibility: text('Visibility'),
        defaultBranch: text('Default branch'),
        language: text('Language'),
        url: { title: 'URL', type: 'string', format: 'url' },
        readme: { title: 'README', type: 'string', format: 'markdown' },
        codeowners: text('CODEOWNERS'),
      },
      required: [],
    },
    relations: {},
  },
  {
    identifier: 'githubUser',
    title: 'GitHub user',
    icon: 'Github',
    schema: { properties: { email: text('Email') }, required: [] },
    relations: {},
  },
  {
    identifier: 'githubPullRequest',
    title: 'Pull request',
    icon: 'Github',
    schema: {
      properties: {
        creator: text('Creator'),
        assignees: list('Assignees'),
        reviewers: list('Reviewers'),
        status: text('Status'),
        draft: flag('Draft'),
        closedAt: text('Closed at'),
        updatedAt: text('Updated at'),
        mergedAt: text('Merged at'),
        createdAt: text('Created at'),
        prNumber: number('Number'),
        link: text('Link'),
      },
      required: [],
    },
    relations: toRepository,
  },
  {
    identifier: 'githubIssue',
    title: 'Issue',
    icon: 'Github',
    schema: {
      properties: {
        creator: text('Creator'),
        assignees: list('Assignees'),
        labels: list('Labels'),
        status: text('Status'),
        createdAt: text('Created at'),
        closedAt: text('Closed at'),
        updatedAt: text('Updated at'),
        description: { title: 'Description', type: 'string', format: 'markdown' },
        issueNumber: number('Number'),
        link: text('Link'),
      },
      required: [],
    },
    relations: toRepository,
  },
  {
    identifier: 'githubTeam',
    title: 'GitHub team',
    icon: 'Github',
    schema: {
      properties: {
        slug: text('Slug'),
        description: text('Description'),
        link: text('Link'),
        notificationSetting: text('Notification setting'),
      },
      required: [],
    },
    relations: { members: { title: 'Members', target: 'githubUser', required: false, many: true } },
  },
  {
    identifier: 'githubDependabotAlert',
    title: 'Dependabot alert',
    icon: 'Github',
    schema: {
      properties: {
        state: text('State'),
        severity: text('Severity'),
        packageName: text('Package'),
        packageEcosystem: text('Ecosystem'),
        manifestPath: text('Manifest'),
        scope: text('Scope'),
        ghsaID: text('GHSA'),
        cveID: text('CVE'),
        url: text('URL'),
        references: list('References'),
        alertCreatedAt: text('Created at'),
        alertUpdatedAt: text('Updated at'),
      },
      required: [],
    },
    relations: toRepository,
  },
];
