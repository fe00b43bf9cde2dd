import type { GithubAccess } from '../github/index.ts';
import { enqueuePortWrites } from '../port-writes/index.ts';
import type { AppStore } from '../store/index.ts';
import { type DispatchSettings, dispatchWorkflow } from './dispatch-workflow.ts';
import type { Invocation } from './invocation.ts';
import { WorkflowDispatchTurns } from './workflow-turns.ts';

export interface DispatcherEvents {
  /** A workflow was dispatched for an invocation received at `receivedAt` (epoch ms). */
  dispatched(receivedAt: number): void;
  failed(): void;
  enqueued(): void;
  warn(message: string): void;
}

/** The link scheme of the vendor's own GitHub integration. */
export const externalRunIdOf = (ownerId: number, repoId: number, workflowRunId: number): string =>
  `gh_${ownerId}_${repoId}_${workflowRunId}`;

/**
 * Turns received invocations into dispatched workflows, once each: the invocation is recorded before it is answered,
 * dispatched in the background, and what became of it goes to the Port run through the outbox.
 */
export class Dispatcher {
  private readonly store: AppStore;
  private github: GithubAccess | undefined;
  private readonly settings: DispatchSettings;
  private readonly events: DispatcherEvents;
  private readonly turns: WorkflowDispatchTurns;
  private readonly redact: (text: string) => string;
  private readonly running = new Set<Promise<void>>();

  constructor(
    store: AppStore,
    github: GithubAccess | undefined,
    settings: DispatchSettings,
    events: DispatcherEvents,
    redact: (text: string) => string = (text) => text,
    turns: WorkflowDispatchTurns = new WorkflowDispatchTurns(),
  ) {
    this.turns = turns;
    // An action's templates can put a secret in `workflowInputs` (a `ref`, an input GitHub quotes back in its
    // refusal), and from there into a message.
    this.redact = redact;
    this.store = store;
    this.github = github;
    this.settings = settings;
    this.events = events;
  }

  /** The App's GitHub access, once it has credentials (registered from /setup while running). */
  useGithub(github: GithubAccess): void {
    this.github = github;
  }

  /** Records the invocation; false when this run was received before (nothing more happens for it). */
  receive(invocation: Invocation): boolean {
    const receivedAt = Date.now();
    if (!this.store.receiveInvocation(invocation.runId, invocation, receivedAt)) return false;
    this.track(this.dispatch(invocation, receivedAt));
    return true;
  }

  /** An invocation that broke the contract: its run ends FAILURE saying which field. */
  reject(runId: string, problem: string): void {
    this.fail(runId, problem);
  }

  /**
   * After a restart: invocations received but not yet dispatched are dispatched now. One caught mid-dispatch may or
   * may not have started a workflow, so it is not dispatched again; its run ends FAILURE saying to check GitHub.
   */
  resume(): void {
    for (const { payload, receivedAt } of this.store.invocationsIn('received')) {
      this.track(this.dispatch(payload as Invocation, receivedAt));
    }
    for (const { runId, payload } of this.store.invocationsIn('dispatching')) {
      const { org, repo, workflow } = payload as Invocation;
      this.store.setInvocationState(runId, 'failed', Date.now());
      this.fail(
        runId,
        `wharf stopped while dispatching ${workflow} in ${org}/${repo}; check that repository's Actions tab for the run`,
      );
    }
  }

  /** Waits for dispatches under way (for a clean shutdown, and tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async dispatch(invocation: Invocation, receivedAt: number): Promise<void> {
    const { runId, org, repo, workflow } = invocation;
    if (!this.github) {
      this.store.setInvocationState(runId, 'failed', Date.now());
      this.fail(
        runId,
        'the GitHub App is not configured on this wharf: set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET',
      );
      return;
    }
    const github = this.github;
    // What escapes the turn (the database refusing a write) leaves the invocation in the state last recorded, which
    // resume() takes up at the next start; it must not reject the dispatch, which nothing awaits.
    const turn = this.turns.inTurn(org, repo, workflow, async () => {
      this.store.setInvocationState(runId, 'dispatching', Date.now());
      try {
        const outcome = await dispatchWorkflow(github, invocation, this.settings, this.turns.isTaken);
        if (!outcome.ok) {
          this.store.setInvocationState(runId, 'failed', Date.now());
          this.fail(runId, outcome.reason);
          return;
        }
        this.turns.take(outcome.workflowRunId);
        const externalRunId = externalRunIdOf(outcome.ownerId, outcome.repoId, outcome.workflowRunId);
        this.store.link(
          {
            externalRunId,
            portRunId: runId,
            installationId: outcome.installationId,
            owner: org,
            repo,
            workflowRunId: outcome.workflowRunId,
            reportStatus: invocation.reportWorkflowStatus,
            reported: false,
          },
          Date.now(),
        );
        this.store.setInvocationState(runId, 'dispatched', Date.now());
        enqueuePortWrites(this.store.outbox, runId, [
          {
            op: 'patch',
            body: invocation.reportWorkflowStatus
              ? { link: outcome.htmlUrl, externalRunId }
              : { link: outcome.htmlUrl },
          },
          { op: 'log', body: { message: this.redact(`dispatched ${repo} ${workflow} on ${outcome.ref}`) } },
        ]);
        this.events.enqueued();
        this.events.dispatched(receivedAt);
      } catch (error) {
        // Stopping mid-dispatch: the invocation stays `dispatching`, and the next start says to check GitHub (resume).
        if (github.stopped) return;
        // GitHub itself failed (5xx, network): the workflow may or may not exist; say so rather than guess.
        this.store.setInvocationState(runId, 'failed', Date.now());
        this.fail(runId, `GitHub failed while dispatching ${workflow} in ${org}/${repo}: ${(error as Error).message}`);
      }
    });
    await turn.catch(() => undefined);
  }

  private fail(runId: string, unredacted: string): void {
    const reason = this.redact(unredacted);
    this.events.warn(`run ${runId}: ${reason}`);
    enqueuePortWrites(this.store.outbox, runId, [
      { op: 'log', body: { message: `Dispatch failed: ${reason}`, terminationStatus: 'FAILURE' } },
    ]);
    this.events.enqueued();
    this.events.failed();
  }
}
