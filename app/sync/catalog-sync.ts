/**
 * Catalog sync: keeps Port entities in step with an organization's repositories (and, when configured, pull
 * requests, workflows and workflow runs) with port-app-config.yml mappings, from live events, GitOps files and
 * full resyncs. The Probot handlers (webhooks.ts) only hand payloads to the methods here.
 */
import type { Context } from 'probot';
import type { DeliveryHandler } from '../../src/outbox/index.ts';
import type { PortClient } from '../../src/port/index.ts';
import type { GithubAccess } from '../github/index.ts';
import type { AppState, SyncState } from '../state/index.ts';
import { CheckRunPoster } from './checks/check-runs.ts';
import { FileValidation } from './checks/file-validation.ts';
import { type BrokenConfig, ConfigResolver } from './config/config-resolver.ts';
import { GitopsResync } from './gitops/gitops-resync.ts';
import { GitopsValidation } from './gitops/gitops-validation.ts';
import { GithubReads } from './github/graphql-reader.ts';
import { LIVE_RATE_POLICY, RESYNC_RATE_POLICY } from './github/rate-limits.ts';
import { MAX_PAGE_SIZE } from './github/repository-reader.ts';
import { AccountRemoval } from './live/account-removal.ts';
import { type LiveObject, ObjectSync } from './live/object-sync.ts';
import { eventScope, type KindEventName, type KindEventPayload, KindEvents } from './live/kind-events.ts';
import type { RepositoryRef } from './kinds/index.ts';
import { repositoryObjectById } from './kinds/repository-objects.ts';
import { hasOwner, PushSync } from './live/push-sync.ts';
import { repositoryChange, type RepositoryObject, RepositorySync } from './live/repository-sync.ts';
import { Resyncs } from './resync/resyncs.ts';
import { SyncContext, type SyncSettings } from './sync-context.ts';
import { ServiceBlueprintGuard } from './writes/blueprint-guard.ts';
import { SourceWriter } from './writes/source-writer.ts';
import { CATALOG_SYNC, type SyncJob, syncJobsHandler } from './writes/sync-jobs.ts';

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  resyncIntervalMs: 6 * 60 * 60_000,
  configTtlMs: 10 * 60_000,
  pageSize: MAX_PAGE_SIZE,
  resyncRateLimits: RESYNC_RATE_POLICY,
  liveRateLimits: LIVE_RATE_POLICY,
  resyncLeaseMs: 60_000,
  resumePollMs: 20_000,
};

export interface CatalogSyncEvents {
  /** A write was put in the outbox: wake the worker. */
  enqueued(): void;
  warn(message: string): void;
  /** A live write reached Port (tests and the benchmark time it). */
  written?(job: SyncJob): void;
  givenUp?(): void;
}

/** An installation's account: a user or an organization (`login`), or an enterprise (`slug`, no login). */
type InstallationAccount = Context<'installation'>['payload']['installation']['account'];

/** The login of an installation's account; undefined for an enterprise, which has none (nor repositories of its own). */
export function accountLogin(account: InstallationAccount): string | undefined {
  return account && 'login' in account ? account.login : undefined;
}

export class CatalogSync {
  /** The state of catalog sync: the App state's `sync` (resyncs, tracked entities, configurations). */
  readonly store: SyncState;
  readonly resyncs: Resyncs;
  private readonly ctx: SyncContext;
  private readonly events: CatalogSyncEvents;
  private readonly repositories: RepositorySync;
  private readonly objects: ObjectSync;
  private readonly kindEvents: KindEvents;
  private readonly pushes: PushSync;
  private readonly validation: GitopsValidation;
  private readonly fileValidation: FileValidation;
  private readonly removal: AccountRemoval;
  /** Live events under way, so that idle() can wait for them. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(state: AppState, github: GithubAccess, settings: Partial<SyncSettings>, events: CatalogSyncEvents) {
    const full = { ...DEFAULT_SYNC_SETTINGS, ...settings };
    this.events = events;
    this.store = state.sync;
    this.ctx = new SyncContext({
      state,
      github,
      reads: new GithubReads(github, events.warn),
      configs: new ConfigResolver(this.store, events.warn, full.configTtlMs),
      settings: full,
      warn: events.warn,
      enqueued: events.enqueued,
    });
    const checks = new CheckRunPoster(github, events.warn);
    this.resyncs = new Resyncs(this.ctx, new GitopsResync(this.ctx));
    this.repositories = new RepositorySync(this.ctx, this.resyncs);
    this.objects = new ObjectSync(this.ctx);
    this.kindEvents = new KindEvents(this.ctx, this.objects);
    this.pushes = new PushSync(this.ctx, this.repositories, this.resyncs, checks);
    this.validation = new GitopsValidation(this.ctx, checks);
    this.fileValidation = new FileValidation(this.ctx, checks);
    this.removal = new AccountRemoval(this.ctx);
  }

  /**
   * Writes to `port` from now on: answers the outbox handlers of catalog sync for the App's worker (its live writes
   * go through the outbox). Before start.
   */
  handlers(port: PortClient, maxAttempts: number): Record<string, DeliveryHandler> {
    this.ctx.port = port;
    this.ctx.writer = new SourceWriter(this.store, port, new ServiceBlueprintGuard(port), this.events.warn);
    return {
      [CATALOG_SYNC]: syncJobsHandler(this.ctx.writer, maxAttempts, this.events.warn, {
        done: (job) => this.events.written?.(job),
        givenUp: () => this.events.givenUp?.(),
      }),
    };
  }

  /**
   * Starts the resyncs' work, in the background: going on with resyncs left running whose lease is free (a stop
   * cut them short, here or on another replica), at once and every resumePollMs; the schedule (resyncIntervalMs);
   * renewing the leases of the resyncs this replica runs. After handlers.
   */
  start(): void {
    this.resyncs.start(this.ctx.settings.resyncIntervalMs);
  }

  /** The port-app-config.yml files read lately that do not parse (for the status page). */
  brokenConfigs(): BrokenConfig[] {
    return this.ctx.configs.brokenConfigs();
  }

  async stop(): Promise<void> {
    await this.resyncs.stop();
    await Promise.allSettled(this.pending);
  }

  /** Resolves once no live event is being handled and no resync runs. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled(this.pending);
    await this.resyncs.idle();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Webhooks

  async onRepository(payload: Context<'repository'>['payload']): Promise<void> {
    const installationId = payload.installation?.id;
    if (!installationId) return;
    const { repository } = payload;
    if (repositoryChange(payload.action) === 'ignore') return;
    await this.handle(`repository.${payload.action} of ${repository.full_name ?? repository.name}`, () =>
      this.repositories.onEvent(installationId, payload.action, repository),
    );
  }

  /**
   * The App was installed on an account: a resync of it. An enterprise has no repositories of its own to resync
   * (its organizations each install the App), so an installation on one is left alone with a warning.
   */
  async onInstallationCreated(payload: Context<'installation.created'>['payload']) {
    const { account, id } = payload.installation;
    const login = accountLogin(account);
    if (!login) {
      const on = account && 'slug' in account ? `enterprise ${account.slug}` : 'an account without a login';
      this.events.warn(`catalog sync: installation ${id} on ${on}: no organization or user to resync`);
      return;
    }
    await this.resyncs
      .request(id, login, 'installation created')
      .catch((error: unknown) => this.events.warn(`catalog sync: resync of ${login}: ${String(error)}`));
  }

  /** The App was uninstalled from an account: the entities it wrote for it are deleted (within the threshold). */
  async onInstallationDeleted(payload: Context<'installation.deleted'>['payload']) {
    const { account, id } = payload.installation;
    const owner = accountLogin(account) ?? `installation ${id}`;
    await this.handle(`installation.deleted on ${owner}`, () => this.removal.uninstalled(id, owner));
  }

  async onInstallationRepositories(payload: Context<'installation_repositories'>['payload']): Promise<void> {
    const installationId = payload.installation.id;
    // Probot's types have both lists; the delivery check (webhooks/payload-shape.ts) lets either be left out.
    const added = payload.repositories_added ?? [];
    const removed = payload.repositories_removed ?? [];
    // An enterprise's installation has no login: the owner is that of the repositories it names.
    const owner =
      accountLogin(payload.installation.account) ??
      [...added, ...removed].find((repository) => repository.full_name)?.full_name?.split('/')[0];
    if (!owner) return;
    await this.handle(`installation_repositories.${payload.action} on ${owner}`, async () => {
      await this.repositories.refreshMany(
        installationId,
        owner,
        added.map((repository) => repository.name),
      );
      await this.removal.repositoriesRemoved(
        installationId,
        owner,
        removed.flatMap((repository) => (typeof repository.id === 'number' ? [repository.id] : [])),
      );
    });
  }

  async onPush(payload: Context<'push'>['payload']): Promise<void> {
    const installationId = payload.installation?.id;
    if (!installationId) return;
    // The delivery check (webhooks/payload-shape.ts) lets a payload leave full_name out.
    const name = payload.repository.full_name ?? payload.repository.name;
    if (!hasOwner(payload)) {
      this.events.warn(`catalog sync: push to ${name} names no owner; left to the next resync`);
      return;
    }
    await this.handle(`push to ${name}`, () => this.pushes.onPush(installationId, payload));
  }

  async onPullRequest(payload: Context<'pull_request'>['payload']): Promise<void> {
    // Probot's type of a `demilestoned` delivery names no installation (GitHub's do).
    const installationId = 'installation' in payload ? payload.installation?.id : undefined;
    if (!installationId) return;
    const { repository, pull_request: pull } = payload;
    await this.handle(
      `pull_request.${payload.action} ${repository.full_name ?? repository.name}#${pull.number}`,
      async () => {
        await this.objects.sync(installationId, repository.owner.login, repository, [
          {
            kind: 'pull-request',
            item: String(pull.number),
            // Shaped as a resync reads them (kinds/pull-request.ts): with `__repository`, `__organization`.
            object: { ...pull, __repository: repository.name, __organization: repository.owner.login },
            repository: refOf(repository),
          },
        ]);
        if (['opened', 'reopened', 'synchronize'].includes(payload.action)) {
          const reader = await this.ctx.reader(installationId, this.ctx.settings.liveRateLimits);
          const config = await this.ctx.configs.repository(
            repository.owner.login,
            repository.name,
            SyncContext.configFiles(reader),
          );
          await this.validation.validate(
            installationId,
            repository.owner.login,
            repository.name,
            pull.number,
            pull.head.sha,
            config,
          );
          await this.fileValidation.validate(installationId, refOf(repository), pull, config);
        }
      },
    );
  }

  async onWorkflowRun(payload: Context<'workflow_run'>['payload']): Promise<void> {
    const installationId = payload.installation?.id;
    if (!installationId) return;
    const repository = refOf(payload.repository);
    // Shaped as a resync reads them (kinds/workflow.ts, kinds/workflow-run.ts): with `__repository`, `__organization`.
    const objects: LiveObject[] = [{ kind: 'workflow-run', ...repositoryObjectById(payload.workflow_run, repository) }];
    if (payload.workflow) objects.push({ kind: 'workflow', ...repositoryObjectById(payload.workflow, repository) });
    // The payload's repository: its visibility decides whether repositoryType takes the run.
    await this.handle(`workflow_run.${payload.action} ${payload.workflow_run.id}`, () =>
      this.objects.sync(installationId, repository.owner, payload.repository, objects),
    );
  }

  /** An event some kind listens to (issues, release, create, delete, team, ...): see ./kinds. */
  async onKindEvent(event: KindEventName, payload: KindEventPayload): Promise<void> {
    const { installationId, action, repository } = eventScope(payload);
    if (!installationId) return;
    const subject = repository ? ` on ${repository.owner.login}/${repository.name}` : '';
    await this.handle(`${event}${action ? `.${action}` : ''}${subject}`, () =>
      this.kindEvents.onEvent(event, installationId, payload),
    );
  }

  /**
   * Starts one event's work and returns at once: the delivery is answered without waiting for GitHub reads (which
   * may wait out a rate limit) or for the reporting part of the App, which handles the same workflow_run events.
   * A failure is logged; the next resync repairs what it left out.
   */
  private async handle(what: string, work: () => Promise<void>): Promise<void> {
    if (!this.ctx.writer) {
      this.events.warn(`catalog sync: ${what} arrived before the App started; the next resync covers it`);
      return;
    }
    const running: Promise<void> = work()
      .catch((error: unknown) => {
        this.events.warn(`catalog sync: ${what}: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => this.pending.delete(running));
    this.pending.add(running);
  }
}

/** A webhook's repository as kinds name it. */
export function refOf(repository: RepositoryObject): RepositoryRef {
  return {
    id: repository.id,
    name: repository.name,
    owner: repository.owner.login,
    defaultBranch: (repository as { default_branch?: string }).default_branch ?? null,
  };
}
