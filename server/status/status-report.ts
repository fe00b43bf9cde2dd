import type { DatabaseSync } from 'node:sqlite';
import type { WharfApp } from '../../app/index.ts';
import type { BrokenConfig, ResyncRecord } from '../../app/sync/index.ts';
import type { Catalog } from '../../catalog/index.ts';
import { DatabaseUnavailableError, type SqlDatabase } from '../../src/sql/index.ts';
import type { GithubProbe, ProbeResult } from './github-probe.ts';

/** What the status page and /readyz read; every part is read anew on each request. */
export interface StatusSources {
  /** This server's URL, once it listens. */
  url(): string;
  /** The embedded catalog; undefined when a Port API is used. */
  catalog: Catalog | undefined;
  /** The Port API in use when the catalog is not embedded. */
  portBaseUrl: string | undefined;
  wharfApp: WharfApp;
  /** Why the App is off: the variables that are missing (names only, never values). */
  appMissing(): string[];
  github: GithubProbe;
}

export interface OutboxStatus {
  depth: number;
  /** When the oldest entry was enqueued (ISO time), and its age in seconds; null when the outbox is empty. */
  oldest: string | null;
  oldestAgeSeconds: number | null;
}

export interface InstallationStatus {
  id: number;
  account: string;
  lastResync: {
    id: number;
    state: ResyncRecord['state'];
    reason: string;
    startedAt: string;
    endedAt: string | null;
    repositories: number;
    entities: number;
    errors: number;
    deleted: number;
    /** GitHub requests the resync sent (GraphQL, REST) and the GraphQL points they cost. */
    github: ResyncRecord['github'];
    message: string | null;
  } | null;
}

export interface StatusReport {
  service: 'wharf';
  url: string;
  catalog: { embedded: true; url: string } | { embedded: false; portApi: string };
  app:
    | { on: false; missing: string[]; register: '/setup' }
    | {
        on: true;
        github: { authenticates: boolean; checkedAt: string; slug?: string; htmlUrl?: string; error?: string };
        installations: InstallationStatus[];
        installationsError: string | null;
      };
  /** The App's database (its state: PostgreSQL with DATABASE_URL, else app.sqlite), as /readyz checks it. */
  appState: DatabaseCheck;
  outboxes: { app: OutboxStatus; catalog: OutboxStatus | null };
  actions: ActionsStatus;
  configErrors: Array<{
    repository: string;
    file: string;
    source: string;
    instead: string;
    since: string;
    problems: Array<{ line: number; column: number; field: string; reason: string }>;
  }>;
  docs: Array<{ title: string; href: string }>;
}

/** The actions processor: which installation's runs it claims, and how its polls and runs went since the start. */
export type ActionsStatus =
  | { on: false; integrationId: string; reason: string }
  | {
      on: true;
      integrationId: string;
      executors: string[];
      lastPoll: { at: string; ok: boolean; claimed: number; error: string | null } | null;
      failingPolls: number;
      claimed: number;
      skipped: number;
      succeeded: number;
      failed: number;
      inProgress: number;
      waiting: number;
      executing: number;
    };

function actionsStatus(wharfApp: WharfApp): ActionsStatus {
  const settings = wharfApp.actionsSettings;
  const status = wharfApp.actionsStatus();
  if (!status) {
    const reason = !settings.enabled
      ? 'WHARF_ACTIONS_PROCESSOR is off'
      : !wharfApp.githubOn
        ? 'the GitHub App is off'
        : 'not started';
    return { on: false, integrationId: settings.installationId, reason };
  }
  return {
    on: true,
    integrationId: status.installationId,
    executors: status.executors,
    lastPoll: status.lastPoll
      ? {
          at: iso(status.lastPoll.at)!,
          ok: status.lastPoll.ok,
          claimed: status.lastPoll.claimed,
          error: status.lastPoll.error ?? null,
        }
      : null,
    failingPolls: status.failingPolls,
    claimed: status.claimed,
    skipped: status.skipped,
    succeeded: status.outcomes.SUCCESS,
    failed: status.outcomes.FAILURE,
    inProgress: status.outcomes.IN_PROGRESS,
    waiting: status.waiting,
    executing: status.executing,
  };
}

/** One database, as /readyz sees it: `name` says which (and on which engine), `detail` how it answered. */
export interface DatabaseCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReadinessReport {
  ready: boolean;
  /** The parts that are not ready, each with why. */
  notReady: Array<{ part: 'database' | 'github'; reason: string }>;
  checks: {
    database: { ok: boolean; databases: DatabaseCheck[] };
    github: { ok: boolean; detail: string } | { ok: true; detail: 'the GitHub App is off' };
  };
}

/** The documents served under /docs (fixed names: no path from a request reaches the file system). */
export const DOCS: ReadonlyArray<{ title: string; file: string; href: string }> = [
  {
    title: 'README: quickstart, configuration, the App, catalog sync, the Action',
    file: 'README.md',
    href: '/docs/README.md',
  },
  { title: 'How wharf is built (docs/design.md)', file: 'docs/design.md', href: '/docs/design.md' },
  { title: 'The Port API the catalog follows (docs/port-api.md)', file: 'docs/port-api.md', href: '/docs/port-api.md' },
];

const iso = (epochMs: number | null | undefined): string | null =>
  epochMs === null || epochMs === undefined ? null : new Date(epochMs).toISOString();

function outboxStatus(depth: number, oldestAt: number | undefined, now: number): OutboxStatus {
  return {
    depth,
    oldest: iso(oldestAt),
    oldestAgeSeconds: oldestAt === undefined ? null : Math.max(0, Math.round((now - oldestAt) / 1000)),
  };
}

function githubStatusOf(result: ProbeResult | undefined): Extract<StatusReport['app'], { on: true }>['github'] {
  if (!result) return { authenticates: false, checkedAt: new Date().toISOString(), error: 'not checked yet' };
  return result.ok
    ? { authenticates: true, checkedAt: iso(result.at)!, slug: result.app.slug, htmlUrl: result.app.htmlUrl }
    : { authenticates: false, checkedAt: iso(result.at)!, error: result.error };
}

function resyncStatus(record: ResyncRecord | undefined): InstallationStatus['lastResync'] {
  if (!record) return null;
  return {
    id: record.id,
    state: record.state,
    reason: record.reason,
    startedAt: iso(record.startedAt)!,
    endedAt: iso(record.endedAt),
    repositories: record.repositories,
    entities: record.entities,
    errors: record.errors,
    deleted: record.deleted,
    github: record.github,
    message: record.message,
  };
}

/** `acme/api:.github/port-app-config.yml` as repository and file. */
function configErrorOf(broken: BrokenConfig): StatusReport['configErrors'][number] {
  const colon = broken.source.indexOf(':');
  return {
    repository: colon < 0 ? broken.source : broken.source.slice(0, colon),
    file: colon < 0 ? '' : broken.source.slice(colon + 1),
    source: broken.source,
    instead: broken.instead,
    since: iso(broken.since)!,
    problems: broken.problems.map(({ line, column, field, reason }) => ({ line, column, field, reason })),
  };
}

/** What runs and how it is doing. Asks GitHub (cached) for the App's state and installations when the App is on. */
export async function statusReport(sources: StatusSources): Promise<StatusReport> {
  const { catalog, wharfApp } = sources;
  const url = sources.url();
  const now = Date.now();
  const appState = appDatabaseCheck(wharfApp.state.db);
  let app: StatusReport['app'];
  if (!wharfApp.githubOn) {
    app = { on: false, missing: sources.appMissing(), register: '/setup' };
  } else {
    const [probe, listed] = await Promise.all([sources.github.check(), sources.github.installations()]);
    const sync = wharfApp.sync;
    app = {
      on: true,
      github: githubStatusOf(probe),
      installations: await Promise.all(
        (listed?.ok ? listed.installations : []).map(async ({ id, account }) => ({
          id,
          account,
          lastResync: resyncStatus(await sync?.store.latestResync(id)),
        })),
      ),
      installationsError: listed && !listed.ok ? listed.error : null,
    };
  }
  return {
    service: 'wharf',
    url,
    catalog: catalog ? { embedded: true, url: `${url}/v1` } : { embedded: false, portApi: sources.portBaseUrl ?? '' },
    app,
    appState: await appState,
    outboxes: {
      app: outboxStatus(wharfApp.metrics.value('wharf_outbox_depth') ?? 0, wharfApp.oldestPendingAt(), now),
      catalog: catalog ? outboxStatus(catalog.pendingDeliveries(), catalog.oldestPendingDeliveryAt(), now) : null,
    },
    actions: actionsStatus(wharfApp),
    configErrors: (wharfApp.sync?.brokenConfigs() ?? []).map(configErrorOf),
    docs: DOCS.map(({ title, href }) => ({ title, href })),
  };
}

/** How long /readyz waits for the App's database to answer before calling it unreachable. */
export const APP_DATABASE_TIMEOUT_MS = 2_000;

/** A driver's message may quote a connection string: its user and password are never shown. */
const withoutCredentials = (text: string): string => text.replace(/(\w+:\/\/)[^@\s/]*@/g, '$1');

/**
 * The App's database answers (`SELECT 1`) within APP_DATABASE_TIMEOUT_MS, and has its schema (the version its
 * migrations reached, in schema_migrations). Unreachable (DatabaseUnavailableError) or slower: not ready.
 */
async function appDatabaseCheck(db: SqlDatabase, timeoutMs = APP_DATABASE_TIMEOUT_MS): Promise<DatabaseCheck> {
  const name = `app (${db.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'})`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const answer = (async () => {
    await db.query('SELECT 1');
    const [row] = await db.query<{ version: number | string | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    return Number(row?.version ?? 0);
  })();
  // Answered after the timeout (or failed after it): nobody waits any more.
  answer.catch(() => undefined);
  try {
    const version = await Promise.race([answer, timeout]);
    return version > 0
      ? { name, ok: true, detail: `reachable, schema version ${version}` }
      : { name, ok: false, detail: 'reachable, not migrated' };
  } catch (error) {
    const message = withoutCredentials(error instanceof Error ? error.message : String(error));
    const unreachable = error instanceof DatabaseUnavailableError || message.startsWith('no answer within');
    return { name, ok: false, detail: unreachable ? `unreachable: ${message}` : message };
  } finally {
    clearTimeout(timer);
  }
}

/** Open, and at a schema version (its migrations ran when it was opened). */
function databaseCheck(name: string, db: DatabaseSync): DatabaseCheck {
  try {
    if (!db.isOpen) return { name, ok: false, detail: 'closed' };
    const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
    return version > 0
      ? { name, ok: true, detail: `open, schema version ${version}` }
      : { name, ok: false, detail: 'not migrated' };
  } catch (error) {
    return { name, ok: false, detail: (error as Error).message };
  }
}

/**
 * Ready: the catalog's database is open and migrated, the App's answers and is migrated, and, when the App is on,
 * GitHub accepted the App's JWT lately (`GET /app`; asked again now when the last answer is not a fresh success).
 */
export async function readinessReport(sources: StatusSources): Promise<ReadinessReport> {
  const databases = [
    ...(sources.catalog ? [databaseCheck('catalog', sources.catalog.db)] : []),
    await appDatabaseCheck(sources.wharfApp.state.db),
  ];
  const database = { ok: databases.every((db) => db.ok), databases };
  let github: ReadinessReport['checks']['github'] = { ok: true, detail: 'the GitHub App is off' };
  if (sources.wharfApp.githubOn) {
    const probe = await sources.github.check();
    github = probe?.ok
      ? { ok: true, detail: `GET /app answered ${probe.app.slug || 'the App'} at ${iso(probe.at)}` }
      : { ok: false, detail: `the App cannot authenticate to GitHub (GET /app): ${probe?.error ?? 'not checked'}` };
  }
  const notReady: ReadinessReport['notReady'] = [];
  if (!database.ok) {
    const failing = databases.filter((db) => !db.ok).map((db) => `${db.name}: ${db.detail}`);
    notReady.push({ part: 'database', reason: failing.join('; ') });
  }
  if (!github.ok) notReady.push({ part: 'github', reason: github.detail });
  return { ready: notReady.length === 0, notReady, checks: { database, github } };
}
