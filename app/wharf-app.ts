import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Probot } from 'probot';
import { type DeliveryHandler, OutboxWorker } from '../src/outbox/index.ts';
import {
  ActionsProcessor,
  builtInExecutors,
  DEFAULT_INTEGRATION_ID,
  DEFAULT_PACING,
  DEFAULT_PROCESSOR_SETTINGS,
  ExecutorRegistry,
  RepositoryResolver,
  type ActionExecutor,
  type PollPacing,
  type ProcessorSettings,
  type ProcessorEvents,
  type ProcessorStatus,
} from './actions/index.ts';
import { processorMetricEvents } from './actions/processor-metrics.ts';
import { createRedactor, type PortClient } from '../src/port/index.ts';
import type { DispatchSettings } from './dispatch/dispatch-workflow.ts';
import { Dispatcher } from './dispatch/dispatcher.ts';
import { invocationRoute } from './dispatch/invocation-route.ts';
import { WorkflowDispatchTurns } from './dispatch/workflow-turns.ts';
import { GithubAccess } from './github/index.ts';
import { AppMetrics } from './metrics.ts';
import { PORT_WRITES, portWritesHandler } from './port-writes/index.ts';
import { Reconciler } from './reporting/reconciler.ts';
import { ReportPipeline } from './reporting/report-pipeline.ts';
import { Reporter, WORKFLOW_RUN_EVENTS } from './reporting/reporter.ts';
import { workflowRunEventsHandler } from './reporting/deferred-events.ts';
import type { AppState } from './state/index.ts';
import { CatalogSync, registerSyncWebhooks, resyncRoute, type SyncSettings } from './sync/index.ts';
import { webhookEndpoint, type WebhookHandler } from './webhooks/webhook-endpoint.ts';

export const WEBHOOKS_PATH = '/api/github/webhooks';

export interface OutboxSettings {
  concurrency: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  maxAttempts: number;
}

export interface WharfAppOptions {
  /** The App's state (app/state): SQLite in the data directory, or PostgreSQL shared by replicas. */
  state: AppState;
  /** The Port API the App reports to (the embedded catalog or Port), reachable or not yet. */
  port: PortClient;
  dataDir: string;
  /** The Port client secret: invocations are signed with it. */
  portSecret: string;
  /** Probot with the App's credentials; without it, nothing needs GitHub (dispatches fail saying so). */
  probot?: Probot | undefined;
  allowedWorkflows: readonly string[];
  outbox?: Partial<OutboxSettings> | undefined;
  dispatch?: Partial<DispatchSettings> | undefined;
  reconcileIntervalMs?: number | undefined;
  /** How often the outbox looks for rows other replicas enqueued or left behind (default 1 s). */
  outboxPollMs?: number | undefined;
  /** How long a workflow_run delivery waits for its writes to Port before it is answered (default 8 s). */
  answerWithinMs?: number | undefined;
  /** Catalog sync (repositories into Port); it runs whenever there is a GitHub App. */
  sync?: Partial<SyncSettings> | undefined;
  log: { warn(message: string): void };
  /** Values of the catalog's `secrets`: hidden in what the App writes to run logs and its own log. */
  secrets?: readonly string[] | undefined;
  /** How long one GitHub call may take (default 15 s). */
  githubTimeoutMs?: number | undefined;
  /** The actions processor: on with the App, claiming the runs of WHARF_INTEGRATION_ID (default `wharf`). */
  actions?: Partial<ActionsSettings> | undefined;
}

/** The actions processor (app/actions): WHARF_INTEGRATION_ID and how it polls. */
export interface ActionsSettings extends Omit<ProcessorSettings, 'pacing'> {
  /** Off: no run is claimed (the signed invocation still dispatches). */
  enabled: boolean;
  pacing: Partial<PollPacing>;
  /** Executors instead of wharf's own (tests). */
  executors?: readonly ActionExecutor[] | undefined;
}

export const DEFAULT_OUTBOX: OutboxSettings = {
  concurrency: 16,
  baseBackoffMs: 1000,
  maxBackoffMs: 5 * 60_000,
  maxAttempts: 20,
};

/** GitHub gives up on a webhook delivery not answered within 10 s. */
const ANSWER_WITHIN_MS = 8_000;

/**
 * The GitHub App: signed invocations become workflow dispatches, workflow_run webhooks become Port run reports.
 * Every part exists once constructed; routes are registered before the server listens, and `start` starts the
 * loops (the outbox, resumed dispatches, the reconciler, catalog sync, the actions processor) once it does.
 * GitHub credentials may come later, from /setup (`attachGithub`): catalog sync and the actions processor exist
 * from then on.
 */
export class WharfApp {
  readonly state: AppState;
  readonly metrics = new AppMetrics();
  readonly dispatcher: Dispatcher;
  readonly reporter: Reporter;
  readonly reconciler: Reconciler;
  /** Catalog sync; undefined while the App has no GitHub credentials. */
  sync: CatalogSync | undefined;
  /** Port's actions processor; undefined while the App has no GitHub credentials, or until started. */
  actions: ActionsProcessor | undefined;
  private readonly options: WharfAppOptions;
  private readonly port: PortClient;
  private readonly settings: OutboxSettings;
  /** Hides the catalog's secrets in what the App writes to run logs: dispatch messages and reports alike. */
  private readonly redact: (text: string) => string;
  private github: GithubAccess | undefined;
  private probot: Probot | undefined;
  private readonly worker: OutboxWorker;
  /** The outbox worker's handlers: catalog sync's join them when the App gets GitHub credentials. */
  private readonly handlers: Record<string, DeliveryHandler> = {};
  private started = false;
  private readonly count: Record<'dispatches' | 'dispatchFailures' | 'reports' | 'reportFailures', () => void>;
  /** Histograms of durations, observed in milliseconds. */
  private readonly observe: Record<'dispatch' | 'report' | 'outboxAge', (milliseconds: number) => void>;
  /** The actions processor's metrics, registered once (the processor may start later than the App). */
  private readonly actionEvents: ProcessorEvents;
  /** The signed invocation's and dispatch_workflow's: the allow-list and the look for runs on older GHES. */
  private readonly dispatchSettings: DispatchSettings;
  /** Both ways a workflow is dispatched (signed invocations, integration actions) take turns per workflow. */
  private readonly dispatchTurns = new WorkflowDispatchTurns();

  constructor(options: WharfAppOptions) {
    this.options = options;
    this.state = options.state;
    this.port = options.port;
    this.settings = { ...DEFAULT_OUTBOX, ...options.outbox };
    this.redact = createRedactor([...(options.secrets ?? [])]).redact;
    this.count = {
      dispatches: this.metrics.counter('wharf_dispatches_total', 'Workflows dispatched for Port runs'),
      dispatchFailures: this.metrics.counter(
        'wharf_dispatch_failures_total',
        'Invocations that ended their run FAILURE',
      ),
      reports: this.metrics.counter('wharf_reports_total', 'Completed workflow runs reported to Port'),
      reportFailures: this.metrics.counter('wharf_report_failures_total', 'Writes to Port given up after every retry'),
    };
    this.observe = {
      dispatch: this.metrics.histogram(
        'wharf_dispatch_latency_seconds',
        'From receiving an invocation to the workflow dispatched on GitHub',
      ),
      report: this.metrics.histogram(
        'wharf_report_latency_seconds',
        'From receiving a completed workflow_run delivery to its report written to the Port run',
      ),
      outboxAge: this.metrics.histogram(
        'wharf_outbox_delivery_age_seconds',
        'Time delivered writes spent in the outbox, from enqueued to delivered',
      ),
    };
    const warn = options.log.warn;
    this.worker = new OutboxWorker(this.state.outbox, this.handlers, {
      ...this.settings,
      pollMs: options.outboxPollMs,
      onError: (error) => warn(`outbox: ${String(error)}`),
      onDelivered: (delivery, now) => this.observe.outboxAge(now - delivery.createdAt),
    });
    this.metrics.gauge('wharf_outbox_depth', 'Writes to Port waiting in the outbox', () => this.worker.pending());
    this.metrics.gauge('wharf_outbox_oldest_age_seconds', 'Age of the oldest write waiting in the outbox', () => {
      const oldest = this.worker.oldestPendingAt();
      return oldest === undefined ? 0 : (Date.now() - oldest) / 1000;
    });
    const enqueued = (): void => this.worker.kick();
    this.actionEvents = processorMetricEvents(this.metrics, { enqueued, warn });
    this.dispatchSettings = {
      allowedWorkflows: options.allowedWorkflows,
      findRunTimeoutMs: 30_000,
      findRunIntervalMs: 1000,
      ...options.dispatch,
    };
    const github = (): GithubAccess | undefined => this.github;
    this.dispatcher = new Dispatcher(
      this.state,
      github,
      this.dispatchSettings,
      {
        dispatched: (receivedAt) => {
          this.count.dispatches();
          this.observe.dispatch(Date.now() - receivedAt);
        },
        failed: this.count.dispatchFailures,
        enqueued,
        warn,
      },
      this.redact,
      this.dispatchTurns,
    );
    this.reporter = new Reporter({
      state: this.state,
      port: this.port,
      github,
      pipeline: new ReportPipeline(this.state, this.worker, {
        answerWithinMs: options.answerWithinMs ?? ANSWER_WITHIN_MS,
      }),
      events: { reported: this.count.reports, enqueued, warn },
      redact: this.redact,
    });
    this.reconciler = new Reconciler(
      { state: this.state, github, reporter: this.reporter, warn },
      options.reconcileIntervalMs ?? 5 * 60_000,
    );
    Object.assign(this.handlers, {
      [PORT_WRITES]: portWritesHandler(this.port, this.state.outbox, {
        maxAttempts: this.settings.maxAttempts,
        warn,
        events: {
          givenUp: this.count.reportFailures,
          written: (_runId, writes, receivedAt) => {
            const ends = writes.some((write) => write.op === 'log' && write.body.terminationStatus !== undefined);
            if (ends && receivedAt !== undefined) this.observe.report(Date.now() - receivedAt);
          },
        },
      }),
      [WORKFLOW_RUN_EVENTS]: workflowRunEventsHandler(this.reporter, this.settings.maxAttempts, () => {
        this.count.reportFailures();
      }),
    });
    if (options.probot) this.useGithub(options.probot);
  }

  /** The App's ways into GitHub; undefined while it has no credentials. */
  get githubAccess(): GithubAccess | undefined {
    return this.github;
  }

  /** When the oldest write waiting in the App's outbox was enqueued (epoch ms); undefined when none waits. */
  oldestPendingAt(): number | undefined {
    return this.worker.oldestPendingAt();
  }

  /** True once the App has GitHub credentials (from the start, or registered from /setup since). */
  get githubOn(): boolean {
    return this.github !== undefined;
  }

  /** Gives the App GitHub access: catalog sync exists from now on, and runs (with the reconciler) once started. */
  private useGithub(probot: Probot): void {
    const github = new GithubAccess(probot, { timeoutMs: this.options.githubTimeoutMs });
    this.probot = probot;
    this.github = github;
    this.sync = new CatalogSync(this.state, github, this.options.sync ?? {}, {
      enqueued: () => this.worker.kick(),
      warn: this.options.log.warn,
    });
    Object.assign(this.handlers, this.sync.handlers(this.port, this.settings.maxAttempts));
    if (this.started) this.startGithub();
  }

  /**
   * Turns the App's GitHub features on in a running process (the App was just registered from /setup): answers
   * the handler of `/api/github/webhooks` for the server to serve from now on.
   */
  async attachGithub(probot: Probot): Promise<WebhookHandler> {
    if (this.github) throw new Error('the GitHub App is already on');
    this.useGithub(probot);
    const handler = await this.webhookMiddleware();
    this.worker.kick();
    return handler!;
  }

  private startGithub(): void {
    this.sync?.start();
    this.reconciler.start();
    this.startActions();
  }

  /** The settings of the actions processor, defaults filled in. */
  get actionsSettings(): ActionsSettings {
    const given = this.options.actions ?? {};
    return {
      ...DEFAULT_PROCESSOR_SETTINGS,
      installationId: DEFAULT_INTEGRATION_ID,
      enabled: true,
      ...given,
      pacing: { ...DEFAULT_PACING, ...given.pacing },
    };
  }

  /** What the status page shows of the actions processor; undefined while it does not run. */
  actionsStatus(): ProcessorStatus | undefined {
    return this.actions?.status();
  }

  /** Starts claiming the runs of WHARF_INTEGRATION_ID from Port (when on). */
  private startActions(): void {
    const settings = this.actionsSettings;
    if (!settings.enabled || this.actions) return;
    const resolver = new RepositoryResolver(() => this.github);
    const executors =
      settings.executors ??
      builtInExecutors({
        github: () => this.github,
        state: this.state,
        settings: this.dispatchSettings,
        turns: this.dispatchTurns,
      });
    this.actions = new ActionsProcessor({
      source: this.port,
      state: this.state,
      registry: new ExecutorRegistry(executors),
      repository: (properties) => resolver.resolve(properties),
      settings: { ...settings, pacing: settings.pacing as PollPacing },
      redact: this.redact,
      events: this.actionEvents,
    });
    this.actions.start();
  }

  /** The handler of `/api/github/webhooks` (webhooks/webhook-endpoint.ts); undefined without App credentials. */
  async webhookMiddleware(): Promise<WebhookHandler | undefined> {
    const { probot } = this;
    if (!probot) return undefined;
    return webhookEndpoint(
      probot,
      (app) => {
        // One handler per event: Probot builds an event's context (and its Octokit) once per handler.
        app.on('workflow_run', async (context) => {
          const receivedAt = Date.now();
          await Promise.all([
            this.reporter.onWorkflowRun(context.id, context.payload, receivedAt),
            this.sync?.onWorkflowRun(context.payload),
          ]);
        });
        registerSyncWebhooks(app, () => this.sync);
      },
      this.options.log.warn,
    );
  }

  async register(app: FastifyInstance): Promise<void> {
    await app.register(invocationRoute, {
      secret: this.options.portSecret,
      state: this.state,
      dispatcher: this.dispatcher,
    });
    await app.register(resyncRoute, {
      secret: this.options.portSecret,
      sync: () => this.sync,
      github: () => this.github,
      warn: this.options.log.warn,
    });
  }

  /**
   * Starts the App's loops: the outbox (rows an earlier process or a dead replica left first), invocations an
   * earlier process received but did not dispatch, and with GitHub credentials the reconciler, catalog sync and the
   * actions processor.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.worker.start();
    await this.dispatcher.resume();
    if (this.github) this.startGithub();
  }

  /** Waits until dispatches under way are done and the outbox has nothing pending (tests and shutdown). */
  async settle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.dispatcher.idle();
    // pendingNow also brings the outbox gauges up to date.
    while ((await this.worker.pendingNow()) > 0 && Date.now() < deadline) {
      await sleep(10);
    }
  }

  /** Stops at once: GitHub calls under way are abandoned; what they were for stays in the outbox or the store. */
  async close(): Promise<void> {
    // No run is started from now on; an execution under way is abandoned with GitHub's calls, and left `executing`.
    this.actions?.halt();
    this.github?.stop();
    await this.actions?.stop();
    this.reconciler.stop();
    await this.sync?.stop();
    await this.dispatcher.idle();
    await this.worker.stop();
    await this.state.close();
  }
}
