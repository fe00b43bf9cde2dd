import { LIST_MAX_ANSWER_BYTES } from './answer-body.ts';
import { PortApiError } from './errors.ts';
import { apiPath, type PortHttp } from './http.ts';
import type { Run, RunLog, TerminationStatus } from './types.ts';

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
  };
}
