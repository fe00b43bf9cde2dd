import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderStatusPage } from './status-page.ts';
import { DOCS, readinessReport, type StatusSources, statusReport } from './status-report.ts';

/** The repository's root, where README.md and docs/ are. */
const ROOT = new URL('../../', import.meta.url);

/** JSON when the client asks for it and not for HTML (a browser asks for HTML first). */
function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/**
 * What a person and an orchestrator see: `GET /` (the status page, or its JSON), `GET /readyz` (503 naming what is
 * not ready, 200 when ready), `GET /metrics` (Prometheus text) and the documents the page links to under /docs.
 */
export function statusRoutes(app: FastifyInstance, sources: StatusSources): void {
  app.get('/', async (request, reply) => {
    const report = await statusReport(sources);
    void reply.header('cache-control', 'no-store');
    if (wantsJson(request)) return reply.send(report);
    return reply.type('text/html; charset=utf-8').send(renderStatusPage(report));
  });

  app.get('/readyz', async (_request, reply) => {
    const report = await readinessReport(sources);
    return reply
      .header('cache-control', 'no-store')
      .status(report.ready ? 200 : 503)
      .send(report);
  });

  app.get('/metrics', async (_request, reply) => {
    const { metrics } = sources.wharfApp;
    return reply.type(metrics.contentType).send(await metrics.render());
  });

  for (const doc of DOCS) {
    app.get(doc.href, async (_request, reply) => {
      try {
        const text = await readFile(new URL(doc.file, ROOT), 'utf8');
        return reply.type('text/markdown; charset=utf-8').send(text);
      } catch {
        return reply.status(404).send({ ok: false, error: 'not_found', message: `${doc.file} is not on this server` });
      }
    });
  }
}
