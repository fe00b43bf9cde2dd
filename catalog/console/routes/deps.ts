import type { FastifyReply } from 'fastify';
import type { FailedAttempts } from '../../../src/throttle/index.ts';
import type { Credentials } from '../../auth/index.ts';
import type { CatalogContext } from '../../operations/index.ts';
import { cameOverHttps, type SessionStore } from '../session/index.ts';
import type { SafeHtml } from '../views/markup.ts';

/** What the console's routes share. */
export interface ConsoleDeps {
  ctx: CatalogContext;
  credentials: Credentials;
  sessions: SessionStore;
  warn: (message: string) => void;
  /** Failed sign-ins per address, the same counter as the token route's. */
  failedAttempts: FailedAttempts;
}

/** A CSRF token for the forms of the page about to be sent (its secret cookie set on first use). */
export function csrfTokenFor(reply: FastifyReply): string {
  return reply.generateCsrf({ secure: cameOverHttps(reply.request) });
}

export function sendPage(reply: FastifyReply, document: SafeHtml, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(document.text);
}
