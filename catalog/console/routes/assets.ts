import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { consolePaths } from '../paths.ts';

const asset = (name: string): string => readFileSync(new URL(`../assets/${name}`, import.meta.url), 'utf8');

/** The stylesheet and the script, public: the sign-in page uses them before there is a session. */
export function registerAssetRoutes(app: FastifyInstance): void {
  const stylesheet = asset('console.css');
  const script = asset('console.js');
  app.get(consolePaths.stylesheet, { config: { consolePublic: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(stylesheet),
  );
  app.get(consolePaths.script, { config: { consolePublic: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(script),
  );
}
