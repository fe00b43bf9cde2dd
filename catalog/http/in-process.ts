import { CommitBatcher } from '../../src/sqlite/index.ts';
import type { ApiError } from '../errors.ts';
import type { CatalogContext } from '../operations/index.ts';
import { errorAnswer, parseRequestBody } from './plugin.ts';
import { runCalls } from './routes/runs.ts';

/** A request the App sends the catalog it runs next to. */
export interface InProcessCall {
  method: string;
  /** Without the query, still URL-encoded. */
  path: string;
  query: URLSearchParams;
  body: string | undefined;
}

export interface InProcessAnswer {
  status: number;
  body: string;
}

// `ack` and `claim-pending` are routes of their own under /runs, not run identifiers.
const RUN = /^\/v1\/actions\/runs\/(?!ack$|claim-pending$)([^/]+)$/;
const RUN_LOGS = /^\/v1\/actions\/runs\/([^/]+)\/logs$/;

/**
 * Answers the run calls the App makes for every report (list runs, read one, PATCH it, add a log line) in the
 * process both run in, without HTTP: the routes' answers and error envelopes, as the client `clientId`, without the
 * token and rate-limit checks that guard the routes from the outside. A write is answered once committed. Any other
 * call answers undefined and goes through the routes.
 */
export function answerInProcess(
  ctx: CatalogContext,
  clientId: string,
): (call: InProcessCall) => InProcessAnswer | Promise<InProcessAnswer> | undefined {
  const actor = { clientId };
  // Writes wait for the next turn of the event loop and are committed together: with many reports under way, one
  // commit serves all the calls that arrived meanwhile.
  const writes = new CommitBatcher((works) => ctx.writeTogether(works));

  const route = (call: InProcessCall): (() => [number, unknown]) | undefined => {
    const { method, path } = call;
    if (path === '/v1/actions/runs') {
      return method === 'GET' ? () => [200, runCalls.list(ctx, { query: queryObject(call.query) })] : undefined;
    }
    const run = RUN.exec(path);
    if (run) {
      const runId = decoded(run[1]!);
      if (runId === undefined) return undefined;
      if (method === 'GET') return () => [200, runCalls.get(ctx, runId)];
      if (method === 'PATCH') return () => [200, runCalls.patch(ctx, runId, parseRequestBody(call.body ?? ''), actor)];
      return undefined;
    }
    const logs = RUN_LOGS.exec(path);
    const runId = logs ? decoded(logs[1]!) : undefined;
    if (runId === undefined || method !== 'POST') return undefined;
    return () => [201, runCalls.addLog(ctx, runId, parseRequestBody(call.body ?? ''), actor)];
  };

  return (call) => {
    const handle = route(call);
    if (!handle) return undefined;
    if (call.method === 'GET') {
      try {
        return succeeded(handle());
      } catch (error) {
        return failed(error);
      }
    }
    return writes.run(handle).then(succeeded, failed);
  };
}

const succeeded = ([status, body]: [number, unknown]): InProcessAnswer => ({ status, body: JSON.stringify(body) });

function failed(error: unknown): InProcessAnswer {
  const answer = errorAnswer(error as ApiError);
  return { status: answer.status, body: JSON.stringify(answer.body) };
}

/** Repeated parameters as arrays, as fastify parses a query string. */
function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const [name, value] of query) {
    const seen = object[name];
    object[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return object;
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
