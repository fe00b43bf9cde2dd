import type { FastifyInstance } from 'fastify';
import { requireRun } from '../../operations/index.ts';
import { CONSOLE_PATH, consolePaths } from '../paths.ts';
import { findRunPage, parseLogId, parseRunListRequest, RunStreams, statusProblem } from '../runs/index.ts';
import { sessionIdOf } from '../session/index.ts';
import { messagePage } from '../views/message-page.ts';
import { runPage } from '../views/run-page.ts';
import { runsPage } from '../views/runs-page.ts';
import { type ConsoleDeps, csrfTokenFor, sendPage } from './deps.ts';

type RunParams = { Params: { id: string }; Querystring: Record<string, unknown> };

/** Log lines on one run page; the rest are a "Later lines" link away (and the live stream sends them). */
const LOG_PAGE_SIZE = 1_000;

export function registerRunRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { ctx, sessions } = deps;
  const streams = new RunStreams(ctx, deps.warn);
  // An open stream would hold the server's close until its run ended.
  app.addHook('preClose', async () => streams.closeAll());

  app.get<{ Querystring: Record<string, unknown> }>(consolePaths.runs, async (request, reply) => {
    const listRequest = parseRunListRequest(request.query);
    const problem = statusProblem(listRequest);
    const found = problem ? undefined : findRunPage(ctx, listRequest);
    const document = runsPage({
      request: listRequest,
      actions: ctx.actions.list(),
      blueprints: ctx.blueprints.list(),
      page: found && 'page' in found ? found.page : undefined,
      statusProblem: problem,
      pageProblem: found && 'problem' in found ? found.problem : undefined,
      csrfToken: csrfTokenFor(reply),
    });
    return sendPage(reply, document, problem || (found && 'problem' in found) ? 422 : 200);
  });

  app.get<RunParams>(`${CONSOLE_PATH}/runs/:id`, async (request, reply) => {
    const { run } = requireRun(ctx, request.params.id);
    const after = parseLogId(request.query.after, 'after');
    const logs = ctx.runs.logsAfter(run.id, after, LOG_PAGE_SIZE + 1);
    const document = runPage({
      run,
      logs: logs.slice(0, LOG_PAGE_SIZE),
      after,
      moreLogs: logs.length > LOG_PAGE_SIZE,
      csrfToken: csrfTokenFor(reply),
    });
    return sendPage(reply, document);
  });

  app.get<RunParams>(
    `${CONSOLE_PATH}/runs/:id/events`,
    { config: { consoleData: true }, exposeHeadRoute: false },
    async (request, reply) => {
      const { run } = requireRun(ctx, request.params.id);
      // A browser reconnecting says the last event it had; the page's first request says the last line it shows.
      const lastEventId = request.headers['last-event-id'];
      const afterLogId =
        lastEventId === undefined ? parseLogId(request.query.after, 'after') : parseLogId(lastEventId, 'Last-Event-ID');
      if (streams.full) {
        const message = 'Too many live views are open on this server: reload the page in a while.';
        return sendPage(reply, messagePage('Busy', message), 429);
      }
      const sessionId = sessionIdOf(request, reply);
      reply.hijack();
      streams.start(reply.raw, reply.getHeaders(), {
        runId: run.id,
        afterLogId,
        // Signing out ends the session's streams too.
        stillAllowed: () => sessions.isLive(sessionId, Date.now()),
      });
    },
  );
}
