import type { GithubAccess } from '../github/index.ts';
import { enqueuePortWrites } from '../port-writes/index.ts';
import type { AppState } from '../state/index.ts';
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
  private readonly state: AppState;
  private readonly github: () => GithubAccess | undefined;
  private readonly settings: DispatchSettings;
  private readonly events: DispatcherEvents;
  private readonly turns: WorkflowDispatchTurns;
  private readonly redact: (text: string) => string;
  private readonly running = new Set<Promise<void>>();

  constructor(
    state: AppState,
    github: () => GithubAccess | undefined,
    settings: DispatchSettings,
    events: DispatcherEvents,
    redact: (text: string) => string = (text) => text,
    turns: WorkflowDispatchTurns = new WorkflowDispatchTurns(),
  ) {
    this.turns = turns;
    // An action's templates can put a secret in `workflowInputs` (a `ref`, an input GitHub quotes back in its
    // refusal), and from there into a message.
    this.redact = redact;
    this.state = state;
    this.github = github;
    this.settings = settings;
    this.events = events;
  }

  /**
   * Records the invocation (settles once it is committed: it may be answered then); false when this run was
   * received before, by this replica or another (nothing more happens for it).
   */
  async receive(invocation: Invocation): Promise<boolean> {
    const receivedAt = Date.now();
    if (!(await this.state.receiveInvocation(invocation.runId, invocation, receivedAt))) return false;
    this.track(this.dispatch(invocation, receivedAt));
    return true;
  }

  /** An invocation that broke the contract: its run ends FAILURE saying which field. */
  async reject(runId: string, problem: string): Promise<void> {
    await this.fail(runId, problem);
  }

  /**
   * After a restart: invocations received but not yet dispatched are dispatched now. One caught mid-dispatch may or
   * may not have started a workflow, so it is not dispatched again; its run ends FAILURE saying to check GitHub.
   */
  async resume(): Promise<void> {
    for (const { payload, receivedAt } of await this.state.invocationsIn('received')) {
      this.track(this.dispatch(payload as Invocation, receivedAt));
    }
    for (const { runId, payload } of await this.state.invocationsIn('dispatching')) {
      const { org, repo, workflow } = payload as Invocation;
      await this.state.setInvocationState(runId, 'failed', Date.now());
      await this.fail(
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
    const github = this.github();
    if (!github) {
      await this.state.setInvocationState(runId, 'failed', Date.now());
      await this.fail(
        runId,
        'the GitHub App is not configured on this wharf: set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET',
      );
      return;
    }
    // What escapes the turn (the database refusing a write) leaves the invocation in the state last recorded, which
    // resume() takes up at the next start; it must not reject the dispatch, which nothing awaits.
    const turn = this.turns.inTurn(org, repo, workflow, async () => {
      await this.state.setInvocationState(runId, 'dispatching', Date.now());
      try {
        const outcome = await dispatchWorkflow(github, invocation, this.settings, this.turns.isTaken);
        if (!outcome.ok) {
          await this.state.setInvocationState(runId, 'failed', Date.now());
          await this.fail(runId, outcome.reason);
          return;
        }
        this.turns.take(outcome.workflowRunId);
        const externalRunId = externalRunIdOf(outcome.ownerId, outcome.repoId, outcome.workflowRunId);
        // The link, the invocation's new state and the writes that say so commit together.
        await this.state.transaction(async (tx) => {
          const now = Date.now();
          await this.state.link(
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
            now,
            tx,
          );
          await this.state.setInvocationState(runId, 'dispatched', now, tx);
          await enqueuePortWrites(
            this.state.outbox,
            runId,
            [
              {
                op: 'patch',
                body: invocation.reportWorkflowStatus
                  ? { link: outcome.htmlUrl, externalRunId }
                  : { link: outcome.htmlUrl },
              },
              { op: 'log', body: { message: this.redact(`dispatched ${repo} ${workflow} on ${outcome.ref}`) } },
            ],
            { now, on: tx },
          );
        });
        this.events.enqueued();
        this.events.dispatched(receivedAt);
      } catch (error) {
        // Stopping mid-dispatch: the invocation stays `dispatching`, and the next start says to check GitHub (resume).
        if (github.stopped) return;
        // GitHub itself failed (5xx, network): the workflow may or may not exist; say so rather than guess.
        await this.state.setInvocationState(runId, 'failed', Date.now());
        await this.fail(
          runId,
          `GitHub failed while dispatching ${workflow} in ${org}/${repo}: ${(error as Error).message}`,
        );
      }
    });
    await turn.catch(() => undefined);
  }

  private async fail(runId: string, unredacted: string): Promise<void> {
    const reason = this.redact(unredacted);
    this.events.warn(`run ${runId}: ${reason}`);
    await enqueuePortWrites(this.state.outbox, runId, [
      { op: 'log', body: { message: `Dispatch failed: ${reason}`, terminationStatus: 'FAILURE' } },
    ]);
    this.events.enqueued();
    this.events.failed();
  }
}
