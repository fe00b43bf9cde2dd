import { LIST_MAX_ANSWER_BYTES } from './answer-body.ts';
import { PortApiError } from './errors.ts';
import { apiPath, type PortHttp } from './http.ts';
import type { ClaimedRun, Run, RunLog, TerminationStatus } from '../port-model/index.ts';

/** How `acknowledgeRun` came out: the run is this caller's to execute, or it must be left alone. */
export type RunAcknowledgement =
  | { acknowledged: true }
  /** `taken`: acknowledged already (by another instance); `ended`: the run has ended (SUCCESS or FAILURE). */
  | { acknowledged: false; reason: 'taken' | 'ended'; message: string };

export interface RunPatch {
  /** Ends the run; any later change to it is refused (422 run_exhausted). */
  status?: TerminationStatus;
  statusLabel?: string;
  link?: string | string[];
  summary?: string;
  externalRunId?: string;
}

export interface RunLogInput {
  message: string;
  /** Ends the run with this status; later log lines are refused. */
  terminationStatus?: TerminationStatus;
  statusLabel?: string;
}

export interface RunFilters {
  externalRunId?: string;
  entity?: string;
  blueprint?: string;
  /** Only runs still in progress. */
  active?: boolean;
  action?: string;
  userEmail?: string;
  limit?: number;
}

export interface ClaimPendingRunsInput {
  /** The integration installation whose INTEGRATION_ACTION runs to claim. */
  installationId: string;
  /** The most runs to claim (the catalog takes 1 to 1000). */
  limit: number;
  /** How long the claimed runs stay hidden from other claims unless acknowledged (the catalog takes 100 to 43 200 000). */
  visibilityTimeoutMs: number;
  /** Run ids not to claim (runs this instance holds already). */
  exclude?: readonly string[];
}

/** The vendor's marker of the calls an integration's actions processor makes, sent as Ocean sends it. */
const RESERVED_USAGE = { 'x-port-reserved-usage': 'true' };

export interface RunMethods {
  /** GET one run. Idempotent. */
  getRun(runId: string): Promise<Run>;
  /** Starts a run of a self-service action (202). NOT idempotent: a resent request would start a second run. */
  createRun(action: string, input: { properties: Record<string, unknown>; entity?: string }): Promise<Run>;
  /**
   * Overwrites the keys given. Idempotent: retried. When a retry finds the run already ended with the status this
   * patch sets (the lost first try did it), that run is the answer.
   */
  patchRun(runId: string, patch: RunPatch): Promise<Run>;
  /** Adds a log line (201). NOT idempotent: a resent request would log the line twice. */
  addRunLog(runId: string, log: RunLogInput): Promise<RunLog>;
  /** GET /v1/actions/runs with the filters given. Idempotent. */
  listRuns(filters?: RunFilters): Promise<Run[]>;
  /**
   * POST /v1/actions/runs/claim-pending: the installation's pending INTEGRATION_ACTION runs, oldest first, each
   * hidden from other claims for `visibilityTimeoutMs` unless acknowledged. NOT resent once it may have reached the
   * server (the runs it claimed would only come back after the timeout); an empty list when there is nothing.
   */
  claimPendingRuns(input: ClaimPendingRunsInput): Promise<ClaimedRun[]>;
  /**
   * PATCH /v1/actions/runs/ack: takes a claimed run for this caller. A 409 (acknowledged already, or ended) is an
   * answer, not an error: `{ acknowledged: false, reason }`, and the run must not be executed. NOT resent once it
   * may have reached the server: a lost first try would make the retry look taken.
   */
  acknowledgeRun(runId: string): Promise<RunAcknowledgement>;
}

/** The vendor's current shape of runs; servers ignore query parameters they do not know. */
const VERSION = { version: 'v2' };

export function runMethods(http: PortHttp): RunMethods {
  const getRun = async (runId: string): Promise<Run> => {
    const answer = await http.send<{ run: Run }>({
      operation: 'getRun',
      method: 'GET',
      path: apiPath`/v1/actions/runs/${runId}`,
      query: VERSION,
      idempotent: true,
      expect: 'run',
    });
    return answer.body.run;
  };

  return {
    getRun,

    async createRun(action, input) {
      const answer = await http.send<{ run: Run }>({
        operation: 'createRun',
        method: 'POST',
        path: apiPath`/v1/actions/${action}/runs`,
        body: { properties: input.properties, entity: input.entity },
        idempotent: false,
        expect: 'run',
      });
      return answer.body.run;
    },

    async patchRun(runId, patch) {
      try {
        const answer = await http.send<{ run: Run }>({
          operation: 'patchRun',
          method: 'PATCH',
          path: apiPath`/v1/actions/runs/${runId}`,
          query: VERSION,
          body: patch,
          idempotent: true,
          expect: 'run',
        });
        return answer.body.run;
      } catch (error) {
        const endedByEarlierTry =
          error instanceof PortApiError &&
          error.code === 'run_exhausted' &&
          error.attempts > 1 &&
          patch.status !== undefined;
        if (!endedByEarlierTry) throw error;
        const run = await getRun(runId);
        if (run.status === patch.status) return run;
        throw error;
      }
    },

    async addRunLog(runId, log) {
      const answer = await http.send<{ runLog: RunLog }>({
        operation: 'addRunLog',
        method: 'POST',
        path: apiPath`/v1/actions/runs/${runId}/logs`,
        body: log,
        idempotent: false,
        expect: 'runLog',
      });
      return answer.body.runLog;
    },

    async listRuns(filters = {}) {
      const answer = await http.send<{ runs: Run[] }>({
        operation: 'listRuns',
        method: 'GET',
        path: '/v1/actions/runs',
        query: {
          ...VERSION,
          external_run_id: filters.externalRunId,
          entity: filters.entity,
          blueprint: filters.blueprint,
          active: filters.active,
          action: filters.action,
          user_email: filters.userEmail,
          limit: filters.limit,
        },
        idempotent: true,
        expect: 'runs',
        maxAnswerBytes: LIST_MAX_ANSWER_BYTES,
      });
      return answer.body.runs;
    },

    async claimPendingRuns(input) {
      const answer = await http.send<{ runs: ClaimedRun[] }>({
        operation: 'claimPendingRuns',
        method: 'POST',
        path: '/v1/actions/runs/claim-pending',
        headers: RESERVED_USAGE,
        body: {
          installationId: input.installationId,
          limit: input.limit,
          visibilityTimeoutMs: input.visibilityTimeoutMs,
          ...(input.exclude !== undefined && { exclude: input.exclude }),
        },
        idempotent: false,
        expect: 'runs',
        maxAnswerBytes: LIST_MAX_ANSWER_BYTES,
      });
      return answer.body.runs;
    },

    async acknowledgeRun(runId) {
      try {
        await http.send({
          operation: 'acknowledgeRun',
          method: 'PATCH',
          path: '/v1/actions/runs/ack',
          headers: RESERVED_USAGE,
          body: { runId },
          idempotent: false,
        });
        return { acknowledged: true };
      } catch (error) {
        if (!(error instanceof PortApiError) || error.status !== 409) throw error;
        return {
          acknowledged: false,
          reason: error.code === 'run_exhausted' ? 'ended' : 'taken',
          message: error.serverMessage ?? error.message,
        };
      }
    },
  };
}
