import type { Delivery } from '../../src/outbox/index.ts';
import { PortApiError, type PortClient } from '../../src/port/index.ts';
import { externalRunIdOf } from '../dispatch/dispatcher.ts';
import type { GithubAccess } from '../github/index.ts';
import { enqueuePortWrites, type PortWrite } from '../port-writes/index.ts';
import type { AppStore, LinkedRun } from '../store/index.ts';
import {
  completionLogMessage,
  completionSummary,
  portRunIdInTitle,
  statusForConclusion,
  type WorkflowRunFacts,
} from './conclusion.ts';

export interface WorkflowRunEvent {
  action: string;
  workflow_run: WorkflowRunFacts;
  repository: { id: number; name: string; owner: { id: number; login: string } };
  installation?: { id: number } | undefined;
}

export interface ReporterEvents {
  reported(): void;
  enqueued(): void;
  /** Delivers a row enqueued held, once its transaction committed (OutboxWorker.deliverNow). */
  deliverNow(delivery: Delivery): Promise<void>;
  warn(message: string): void;
}

const DAY = 24 * 60 * 60 * 1000;
/** How long a row written for immediate delivery stays out of the outbox's passes (they take it if the process stops). */
const HELD_MS = 60_000;
/** GitHub gives up on a webhook delivery not answered within 10 s. */
const ANSWER_WITHIN_MS = 8_000;

interface ReportOptions {
  /** Claimed with a progress report, so a repeated delivery of the event changes nothing. */
  claim?: string | undefined;
  /** The link was found in Port just now: remembered with the report. */
  newLink?: boolean | undefined;
  /** When the event being reported was received (epoch ms), carried with the writes for the latency metric. */
  receivedAt?: number | undefined;
}

/** Outbox kind of workflow_run events that could not be handled when they arrived. */
export const WORKFLOW_RUN_EVENTS = 'workflow-run-events';

/** Port unreachable or failing for now, as opposed to an answer that will not change. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof PortApiError)) return false;
  return error.status === undefined || error.status >= 500 || error.status === 429;
}
const LABELS: Record<string, string> = { requested: 'Queued', in_progress: 'Running' };

/**
 * Reports GitHub workflow runs to the Port runs they belong to. Each event's facts are claimed and its writes put in
 * the outbox in one transaction, so a redelivered event or a second attempt never writes twice; the writes are then
 * made at once, and the outbox retries them if Port could not take them.
 */
export class Reporter {
  private readonly store: AppStore;
  private readonly port: PortClient;
  private github: GithubAccess | undefined;
  private readonly events: ReporterEvents;
  private readonly answerWithinMs: number;
  private readonly redact: (text: string) => string;

  constructor(
    store: AppStore,
    port: PortClient,
    github: GithubAccess | undefined,
    events: ReporterEvents,
    settings: { answerWithinMs?: number | undefined; redact?: ((text: string) => string) | undefined } = {},
  ) {
    this.store = store;
    this.port = port;
    this.github = github;
    this.events = events;
    this.answerWithinMs = settings.answerWithinMs ?? ANSWER_WITHIN_MS;
    // A workflow's run name and job names are the workflow author's text, and may carry an input that held a secret.
    this.redact = settings.redact ?? ((text) => text);
  }

  /** The App's GitHub access, once it has credentials (registered from /setup while running). */
  useGithub(github: GithubAccess): void {
    this.github = github;
  }

  /**
   * A `workflow_run` webhook delivery; `deliveryId` is GitHub's X-GitHub-Delivery. GitHub never redelivers one
   * that failed, so when Port cannot be asked now the event waits in the outbox instead of failing the delivery.
   */
  async onWorkflowRun(deliveryId: string, event: WorkflowRunEvent, receivedAt = Date.now()): Promise<void> {
    if (event.action !== 'completed' && !LABELS[event.action]) return;
    const claim = `delivery:${deliveryId}`;
    try {
      await this.report(event, claim, receivedAt);
    } catch (error) {
      if (!isTransient(error)) throw error;
      const now = Date.now();
      const queued = this.store.transaction(() => {
        if (!this.store.claimOnce(claim, 7 * DAY, now)) return false;
        this.store.outbox.enqueue(WORKFLOW_RUN_EVENTS, `event:${event.workflow_run.id}`, event, now);
        return true;
      });
      if (queued) this.events.enqueued();
    }
  }

  /**
   * Reports one event that waited in the outbox since `receivedAt`; throws when Port or GitHub could not be asked
   * (it tries again).
   */
  async process(event: WorkflowRunEvent, receivedAt?: number): Promise<void> {
    await this.report(event, undefined, receivedAt);
  }

  /**
   * Reports a run that ended: a summary, then a log line with the conclusion that ends the run with its status.
   * Once per linked run: marking the link reported is the claim, so a redelivery or a later attempt of the run
   * finds nothing to do. (A second GitHub run linked to the same Port run finds that run ended; Port refuses it.)
   */
  async reportCompletion(link: LinkedRun, run: WorkflowRunFacts, options: ReportOptions = {}): Promise<void> {
    if (link.reported) return;
    const status = statusForConclusion(run.conclusion);
    const failedJobs = status === 'FAILURE' ? await this.failedJobs(link, run) : [];
    // The summary first, then the log line that ends the run: a retry after a crash between the two repeats only
    // the PATCH (which overwrites), and finds the run ended once the log line is in.
    const writes: PortWrite[] = [
      { op: 'patch', body: { summary: this.redact(completionSummary(run)), link: run.html_url } },
      {
        op: 'log',
        body: { message: this.redact(completionLogMessage(run, failedJobs)), terminationStatus: status },
      },
    ];
    const reported = await this.writeOnce(
      link.portRunId,
      writes,
      (now) => {
        if (options.newLink) this.store.link(link, now);
        return this.store.markReported(link.externalRunId);
      },
      options.receivedAt,
    );
    if (reported) this.events.reported();
  }

  /**
   * In one (batched) transaction of the App's database: `claim` the event, and when it was not claimed before, put
   * `writes` in the outbox; then sends them and waits, so the delivery is answered once they are in Port. Not past
   * GitHub's 10 s limit for an answer, though: a slow Port finishes them after it (or the outbox does, later).
   * Answers whether the claim was made (false: an earlier delivery wrote them).
   */
  private async writeOnce(
    portRunId: string,
    writes: PortWrite[],
    claim: (now: number) => boolean,
    receivedAt?: number,
  ): Promise<boolean> {
    const now = Date.now();
    const delivery = await this.store.transactionSoon(() =>
      claim(now)
        ? enqueuePortWrites(this.store.outbox, portRunId, writes, { now, heldMs: HELD_MS, receivedAt })
        : undefined,
    );
    if (!delivery) return false;
    let timer: NodeJS.Timeout | undefined;
    const answerBy = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.answerWithinMs);
    });
    try {
      await Promise.race([this.events.deliverNow(delivery), answerBy]);
    } finally {
      clearTimeout(timer);
    }
    return true;
  }

  /** Reports one event; `claim` makes a repeated delivery of it change nothing. */
  private async report(event: WorkflowRunEvent, claim?: string, receivedAt?: number): Promise<void> {
    const externalRunId = externalRunIdOf(event.repository.owner.id, event.repository.id, event.workflow_run.id);
    let link = this.store.linkFor(externalRunId);
    // A link found in Port is remembered in the transaction that reports the event: one commit, not two.
    let newLink = false;
    if (!link) {
      const found = await this.findLink(externalRunId, event);
      link = found?.link;
      newLink = found?.saved === false;
    }
    if (!link || !link.reportStatus) return;
    const label = LABELS[event.action];
    if (event.action === 'completed') {
      await this.reportCompletion(link, event.workflow_run, { newLink, receivedAt });
    } else if (label) await this.reportProgress(link, event.workflow_run, label, { claim, newLink });
    else if (newLink) this.store.link(link, Date.now());
  }

  /** Keeps the label and link current while the run waits and runs, which the vendor's integrations leave blank. */
  private async reportProgress(
    link: LinkedRun,
    run: WorkflowRunFacts,
    label: string,
    { claim, newLink }: ReportOptions,
  ): Promise<void> {
    if (link.reported) return;
    await this.writeOnce(link.portRunId, [{ op: 'patch', body: { statusLabel: label, link: run.html_url } }], (now) => {
      if (claim && !this.store.claimOnce(claim, 7 * DAY, now)) return false;
      if (newLink) this.store.link(link, now);
      return true;
    });
  }

  /**
   * A run this App did not link itself: one Port knows by its external id (linked by another wharf, or patched by
   * hand), or one that opted in by carrying a Port run id in its run-name, which is linked here on first sight.
   */
  private async findLink(
    externalRunId: string,
    event: WorkflowRunEvent,
  ): Promise<{ link: LinkedRun; saved: boolean } | undefined> {
    const base = {
      externalRunId,
      installationId: event.installation?.id ?? 0,
      owner: event.repository.owner.login,
      repo: event.repository.name,
      workflowRunId: event.workflow_run.id,
      reportStatus: true,
      reported: false,
    };
    const [known] = await this.port.listRuns({ externalRunId, limit: 1 });
    if (known) return { link: { ...base, portRunId: known.id }, saved: false };
    const optedIn = portRunIdInTitle(event.workflow_run.display_title);
    if (!optedIn) return undefined;
    try {
      const run = await this.port.getRun(optedIn);
      if (run.status !== 'IN_PROGRESS') return undefined;
    } catch (error) {
      if (error instanceof PortApiError && error.status === 404) return undefined;
      throw error;
    }
    const link = { ...base, portRunId: optedIn };
    this.store.transaction(() => {
      this.store.link(link, Date.now());
      enqueuePortWrites(this.store.outbox, optedIn, [
        { op: 'patch', body: { link: event.workflow_run.html_url, externalRunId } },
        { op: 'log', body: { message: `linked GitHub workflow run ${event.workflow_run.html_url} (run-name opt-in)` } },
      ]);
    });
    this.events.enqueued();
    return { link, saved: true };
  }

  /** Names of the jobs that failed in this attempt; none when GitHub cannot say (the report goes out anyway). */
  private async failedJobs(link: LinkedRun, run: WorkflowRunFacts): Promise<string[]> {
    if (!this.github || !link.installationId) return [];
    try {
      const octokit = await this.github.octokit(link.installationId);
      const { data } = await octokit.rest.actions.listJobsForWorkflowRunAttempt({
        owner: link.owner,
        repo: link.repo,
        run_id: run.id,
        attempt_number: run.run_attempt ?? 1,
        per_page: 100,
      });
      return data.jobs
        .filter((job) => job.conclusion === 'failure' || job.conclusion === 'timed_out')
        .map((job) => job.name);
    } catch (error) {
      this.events.warn(
        `could not list the jobs of ${link.owner}/${link.repo} run ${run.id}: ${(error as Error).message}`,
      );
      return [];
    }
  }
}
