import type { Context } from 'probot';
import { PortApiError, type PortClient } from '../../src/port/index.ts';
import { mayRetry } from '../../src/retry/index.ts';
import { externalRunIdOf } from '../dispatch/dispatcher.ts';
import type { GithubAccess } from '../github/index.ts';
import { enqueuePortWrites, type PortWrite } from '../port-writes/index.ts';
import type { AppState, LinkedRun } from '../state/index.ts';
import {
  completionLogMessage,
  completionSummary,
  portRunIdInTitle,
  statusForConclusion,
  type WorkflowRunFacts,
} from './conclusion.ts';
import type { ReportPipeline } from './report-pipeline.ts';

/** A `workflow_run` webhook's payload, as Probot types it. */
export type WorkflowRunEvent = Context<'workflow_run'>['payload'];

export interface ReporterEvents {
  reported(): void;
  enqueued(): void;
  warn(message: string): void;
}

const DAY = 24 * 60 * 60 * 1000;

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

/**
 * Port unreachable or failing for now, as opposed to an answer that will not change. A report only reads Port (its
 * writes go through the outbox), so it is safe to repeat; it is tried again later, from the outbox, when a server's
 * fault may be mended.
 */
export function isTransient(error: unknown): boolean {
  return error instanceof PortApiError && mayRetry(error, { idempotent: true, serverFaults: true });
}
const LABELS: Record<string, string> = { requested: 'Queued', in_progress: 'Running' };

/** What a Reporter works with. */
export interface ReporterParts {
  state: AppState;
  port: PortClient;
  /** The App's GitHub access; undefined while it has no credentials (failed jobs are then not named). */
  github: () => GithubAccess | undefined;
  pipeline: ReportPipeline;
  events: ReporterEvents;
  /** Hides the catalog's secrets in what is written (run names and job names are the workflow author's text). */
  redact?: ((text: string) => string) | undefined;
}

/**
 * Reports GitHub workflow runs to the Port runs they belong to: which writes an event makes and what claims them.
 * The writes go through the report pipeline (report-pipeline.ts), which claims, enqueues, delivers and waits.
 */
export class Reporter {
  private readonly state: AppState;
  private readonly port: PortClient;
  private readonly github: () => GithubAccess | undefined;
  private readonly pipeline: ReportPipeline;
  private readonly events: ReporterEvents;
  private readonly redact: (text: string) => string;

  constructor(parts: ReporterParts) {
    this.state = parts.state;
    this.port = parts.port;
    this.github = parts.github;
    this.pipeline = parts.pipeline;
    this.events = parts.events;
    this.redact = parts.redact ?? ((text) => text);
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
      const queued = await this.state.transaction(async (tx) => {
        if (!(await this.state.claimOnce(claim, 7 * DAY, now, tx))) return false;
        await this.state.outbox.enqueue(
          { kind: WORKFLOW_RUN_EVENTS, orderingKey: `event:${event.workflow_run.id}`, payload: event },
          now,
          tx,
        );
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
    const reported = await this.pipeline.report(
      link.portRunId,
      writes,
      async (tx, now) => {
        if (options.newLink) await this.state.link(link, now, tx);
        return this.state.markReported(link.externalRunId, tx);
      },
      options.receivedAt,
    );
    if (reported) this.events.reported();
  }

  /** Reports one event; `claim` makes a repeated delivery of it change nothing. */
  private async report(event: WorkflowRunEvent, claim?: string, receivedAt?: number): Promise<void> {
    const externalRunId = externalRunIdOf(event.repository.owner.id, event.repository.id, event.workflow_run.id);
    let link = await this.state.linkFor(externalRunId);
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
      await this.reportCompletion(link, event.workflow_run as WorkflowRunFacts, { newLink, receivedAt });
    } else if (label)
      await this.reportProgress(link, event.workflow_run as WorkflowRunFacts, label, { claim, newLink });
    else if (newLink) await this.state.link(link, Date.now());
  }

  /** Keeps the label and link current while the run waits and runs, which the vendor's integrations leave blank. */
  private async reportProgress(
    link: LinkedRun,
    run: WorkflowRunFacts,
    label: string,
    { claim, newLink }: ReportOptions,
  ): Promise<void> {
    if (link.reported) return;
    await this.pipeline.report(
      link.portRunId,
      [{ op: 'patch', body: { statusLabel: label, link: run.html_url } }],
      async (tx, now) => {
        if (claim && !(await this.state.claimOnce(claim, 7 * DAY, now, tx))) return false;
        if (newLink) await this.state.link(link, now, tx);
        return true;
      },
    );
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
    const optedIn = portRunIdInTitle((event.workflow_run as WorkflowRunFacts).display_title);
    if (!optedIn) return undefined;
    try {
      const run = await this.port.getRun(optedIn);
      if (run.status !== 'IN_PROGRESS') return undefined;
    } catch (error) {
      if (error instanceof PortApiError && error.status === 404) return undefined;
      throw error;
    }
    const link = { ...base, portRunId: optedIn };
    await this.state.transaction(async (tx) => {
      const now = Date.now();
      await this.state.link(link, now, tx);
      await enqueuePortWrites(
        this.state.outbox,
        optedIn,
        [
          { op: 'patch', body: { link: event.workflow_run.html_url, externalRunId } },
          {
            op: 'log',
            body: { message: `linked GitHub workflow run ${event.workflow_run.html_url} (run-name opt-in)` },
          },
        ],
        { now, on: tx },
      );
    });
    this.events.enqueued();
    return { link, saved: true };
  }

  /** Names of the jobs that failed in this attempt; none when GitHub cannot say (the report goes out anyway). */
  private async failedJobs(link: LinkedRun, run: WorkflowRunFacts): Promise<string[]> {
    const github = this.github();
    if (!github || !link.installationId) return [];
    try {
      const octokit = await github.octokit(link.installationId);
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
