/**
 * What catalog sync knows of one kind of GitHub object besides repositories: how a full resync reads every object
 * a resource's selector asks for, which objects a selector takes, and what each webhook event means for it. The
 * mapping (jq), the writes, the checkpoints and stale deletion are the same for every kind and live elsewhere.
 */
import type { GraphqlRead, RestPageRead, RestRead } from '../github/graphql-reader.ts';
import type { Kind, SelectorOf } from '../mapping/index.ts';

/** The repository a repository-scoped object belongs to. */
export interface RepositoryRef {
  id: number;
  name: string;
  /** The account's login. */
  owner: string;
  defaultBranch: string | null;
  /**
   * As GitHub listed the repository, when a live event's object was found through a list rather than the payload's
   * repository (a team's repositories): whether the organization's `repositoryType` takes it is judged on these.
   */
  private?: boolean;
  fork?: boolean;
}

export interface KindObject {
  /** The object as its jq sees it: the REST answer the vendor documents for the kind, with its `__` additions. */
  object: object;
  /** Its key within its scope (a pull request's number, a team's id, a file's path): stable across renames. */
  item: string;
  /** Set for repository-scoped kinds. */
  repository?: RepositoryRef;
  /** Where the mapping's `file://` values are read; unset: the repository's default branch, from its root. */
  fileBase?: FileBase;
}

/** The branch (or commit) `file://` values are read at, and the folder their paths are relative to ('' the root). */
export interface FileBase {
  ref: string;
  folder: string;
}

export interface ResyncPage {
  objects: KindObject[];
  /** Where the next page starts (saved as the resync's checkpoint); null: this was the last page. */
  next: string | null;
  /**
   * Objects of the page that could not be read (a file too large or too deeply nested), each named: the resync
   * counts them as errors, so it deletes nothing, while the rest of the page is written.
   */
  errors?: string[];
  /**
   * Lists the page could not read and must not take as gone: GitHub refused them (403/404: the feature off for a
   * repository, no permission), of `repository`, or of the whole account when unset. What the kind produced there
   * before is kept through stale deletion (not counted as an error), and `reason` is logged.
   */
  unread?: Array<{ repository?: RepositoryRef; reason: string }>;
}

/** GitHub reads of one installation, paced within its rate limits (GraphQL and REST counted apart). */
export interface KindReads {
  /** The account (organization or user) being synced. */
  owner: string;
  graphql: GraphqlRead;
  rest: RestRead;
  restPage: RestPageRead;
  /** The REST API's base url (for `url`/`html_url` fields built from GraphQL answers). */
  apiUrl: string;
  signal?: AbortSignal | undefined;
}

/** What a resync gives a kind beyond its reads. */
export interface ResyncReads extends KindReads {
  /**
   * Every repository of the account the configuration syncs (`repositoryType` applied), in name order; read once
   * per resync and shared by the kinds that work repository by repository.
   */
  repositories(): Promise<RepositoryRef[]>;
  /**
   * A page of the account's repositories (`repositoryType` applied) with `selection` (GraphQL fields of
   * `Repository`, such as a nested connection) for each; `variables` are declared in `declarations`
   * (`$states: [PullRequestState!]`). For kinds GraphQL can read many repositories' objects at once.
   */
  repositoryPage<T>(
    selection: string,
    options: { cursor: string | null; pageSize: number; declarations?: string; variables?: Record<string, unknown> },
  ): Promise<{ repositories: Array<RepositoryRef & { node: T }>; next: string | null }>;
}

/** A webhook event's effect on one object. */
export interface LiveChange {
  /** The object as a resync would give it; null: it is gone, and the entities it produced go with it. */
  object: object | null;
  item: string;
  /** Set for repository-scoped kinds. */
  repository?: RepositoryRef;
  fileBase?: FileBase;
}

/** What a webhook handler may read beyond GitHub. */
export interface LiveReads extends KindReads {
  /**
   * The selectors of the kind's resources in the configuration in force where the event happened (the
   * repository's, else the organization's), for events whose objects cost reads that only some selectors want.
   */
  selectors?(): Promise<ReadonlyArray<Record<string, unknown>>>;
  /** Reports an object the event changed that cannot be read (it is left as it was). */
  warn?(message: string): void;
}

/** The webhook events some kind listens to (by name, or by name and action: `issues`, `team.created`). */
export const KIND_EVENT_NAMES = [
  'organization',
  'issues',
  'release',
  'create',
  'delete',
  'deployment',
  'deployment_status',
  'dependabot_alert',
  'code_scanning_alert',
  'secret_scanning_alert',
  'team',
  'membership',
  'push',
  'member',
] as const;

export type KindEventName = (typeof KIND_EVENT_NAMES)[number];

/** A key of a kind's `events`: an event (`create`) or one of its actions (`team.created`). */
export type KindEventKey = KindEventName | `${KindEventName}.${string}`;

/** A webhook payload and what it may read (an event that carries less than the object, such as `create`). */
export type LiveHandler = (payload: Record<string, unknown>, reads: LiveReads) => Promise<LiveChange[]>;

export interface KindDefinition<K extends Kind = Kind> {
  kind: K;
  /** 'repository': each object belongs to one repository; 'organization': to the account. */
  scope: 'repository' | 'organization';
  /** One page of a full resync of `selector`'s objects, from `cursor` (null: the first). */
  resyncPage(reads: ResyncReads, selector: SelectorOf<K>, cursor: string | null): Promise<ResyncPage>;
  /**
   * Whether an object (from an event) is one `selector` reads, beside its jq query: its state, its age. An object
   * an event changes so that it no longer is (a pull request closed under `states: [open]`) loses its entities.
   * Unset: every object.
   */
  selects?(selector: SelectorOf<K>, object: object, now: number): boolean;
  /**
   * The object as `selector`'s jq sees it, when an option of the selector takes part of it away (secret scanning's
   * `hideSecret`: the secret). Unset: the object as read.
   */
  view?(selector: SelectorOf<K>, object: object): object;
  /** Webhook events, by `event` or `event.action`, and the changes each payload makes. */
  events: { readonly [key in KindEventKey]?: LiveHandler };
  /** The GitHub App permissions the kind needs (`issues: read`), and the events it subscribes to. */
  permissions: Readonly<Record<string, 'read' | 'write'>>;
}
