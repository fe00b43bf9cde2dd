import type { FastifyInstance } from 'fastify';
import { consolePaths } from '../paths.ts';
import { blueprintsPage } from '../views/blueprints-page.ts';
import { type ConsoleDeps, csrfTokenFor, sendPage } from './deps.ts';

export function registerBlueprintRoutes(app: FastifyInstance, { ctx }: ConsoleDeps): void {
  app.get(consolePaths.blueprints, async (_request, reply) => {
    const summaries = ctx.blueprints
      .list()
      .map((blueprint) => ({ blueprint, entities: ctx.entities.count(blueprint.identifier) }));
    return sendPage(reply, blueprintsPage(summaries, csrfTokenFor(reply)));
  });
}
