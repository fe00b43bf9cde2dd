import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from './deps.ts';

export function registerEntityRoutes(_app: FastifyInstance, _deps: ConsoleDeps): void {}
