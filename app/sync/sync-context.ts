/** What the parts of catalog sync share: the App's state, GitHub, Port, the configurations and the settings. */
import type { SqlExecutor } from '../../src/sql/index.ts';
import type { PortClient } from '../../src/port/index.ts';
import type { GithubAccess } from '../github/index.ts';
import type { ActiveConfig } from './config/active-config.ts';
import type { ConfigFileReader, ConfigResolver } from './config/config-resolver.ts';
import type { GithubReads } from './github/graphql-reader.ts';
import type { RateLimitPolicy } from './github/rate-limits.ts';
import { RepositoryReader } from './github/repository-reader.ts';
import type { AppState, OutboxQueue, SyncState } from '../state/index.ts';
import type { SourceWriter, EntityWriteOptions } from './writes/source-writer.ts';
import { enqueueSyncJob, type SyncJob } from './writes/sync-jobs.ts';

export interface SyncSettings {
  /** Full resync of every installation this often; 0: only on install, on config change and on demand. */
  resyncIntervalMs: number;
  /** How long a configuration read from GitHub is used before it is read again (pushes that change it do at once). */
  configTtlMs: number;
  /** Repositories per GraphQL page of a resync (GitHub allows up to 100). */
  pageSize: number;
  resyncRateLimits: RateLimitPolicy;
  liveRateLimits: RateLimitPolicy;
  /**
   * How long a replica's lease on a resync of an installation lasts (`resync:<installation id>`): renewed every
   * third of it while the resync runs; a resync whose replica died is taken over this long after its last renewal.
   */
  resyncLeaseMs: number;
  /** How often each replica looks for resyncs left running by a replica that died (their lease free) to go on with. */
  resumePollMs: number;
}

export class SyncContext {
  /** The App's state: transactions and leases. */
  readonly state: AppState;
  /** state.sync */
  readonly store: SyncState;
  readonly github: GithubAccess;
  readonly reads: GithubReads;
  readonly configs: ConfigResolver;
  /** state.outbox */
  readonly outbox: OutboxQueue;
  readonly settings: SyncSettings;
  readonly warn: (message: string) => void;
  private readonly enqueued: () => void;
  port: PortClient | undefined;
  writer: SourceWriter | undefined;
  /**
   * Installations the App was uninstalled from since it started: a live event of one that was under way when the
   * uninstall arrived writes nothing (its entities were just deleted). A new installation has a new id.
   */
  readonly uninstalled = new Set<number>();

  constructor(parts: {
    state: AppState;
    github: GithubAccess;
    reads: GithubReads;
    configs: ConfigResolver;
    settings: SyncSettings;
    warn: (message: string) => void;
    enqueued: () => void;
  }) {
    this.state = parts.state;
    this.store = parts.state.sync;
    this.github = parts.github;
    this.reads = parts.reads;
    this.configs = parts.configs;
    this.outbox = parts.state.outbox;
    this.settings = parts.settings;
    this.warn = parts.warn;
    this.enqueued = parts.enqueued;
  }

  async reader(installationId: number, policy: RateLimitPolicy, signal?: AbortSignal): Promise<RepositoryReader> {
    return new RepositoryReader(
      this.reads.reader(installationId, policy, signal),
      await this.reads.apiUrl(installationId),
      this.reads.restReader(installationId, policy, signal),
    );
  }

  /** A reader of configuration files through `reader`. */
  static configFiles(reader: RepositoryReader): ConfigFileReader {
    return (requests) => reader.filesOfRepositories(requests);
  }

  /** Hands a write to the outbox (in order per repository; in `on`'s transaction when given) and wakes the worker. */
  async enqueue(repoId: number, job: SyncJob, on?: SqlExecutor): Promise<void> {
    if (job.type === 'write' && this.uninstalled.has(job.installationId)) {
      this.warn(
        `catalog sync: a write of installation ${job.installationId} is dropped: the App was uninstalled from it`,
      );
      return;
    }
    await enqueueSyncJob(this.outbox, repoId, job, Date.now(), on);
    this.enqueued();
  }
}

/** The write flags of a configuration. */
export function writeOptionsOf(config: ActiveConfig): EntityWriteOptions {
  return {
    merge: config.config.enableMergeEntity,
    createMissingRelatedEntities: config.config.createMissingRelatedEntities,
    deleteDependents: config.config.deleteDependentEntities,
  };
}
