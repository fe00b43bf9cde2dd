import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { consolePaths } from '../paths.ts';

const ASSETS = new URL('../assets/', import.meta.url);

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/**
 * The stylesheet and scripts of assets/, read once at start, public: the sign-in page uses them before there is a
 * session. Each is its own route, so no request path ever reaches the file system.
 */
export function registerAssetRoutes(app: FastifyInstance): void {
  for (const name of readdirSync(ASSETS)) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    if (!type) continue;
    const text = readFileSync(new URL(name, ASSETS), 'utf8');
    app.get(consolePaths.pageScript(name), { config: { consolePublic: true } }, async (_request, reply) =>
      reply.type(type).header('cache-control', 'no-cache').send(text),
    );
  }
}
