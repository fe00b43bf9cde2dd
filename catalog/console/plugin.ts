import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_FAILED_ATTEMPTS, FailedAttempts } from '../../src/throttle/index.ts';
import type { Credentials } from '../auth/index.ts';
import { ApiError } from '../errors.ts';
import type { CatalogContext } from '../operations/index.ts';
import { consolePaths } from './paths.ts';
import { registerActionRoutes } from './routes/actions.ts';
import { registerAssetRoutes } from './routes/assets.ts';
import { registerBlueprintRoutes } from './routes/blueprints.ts';
import { type ConsoleDeps, csrfTokenFor, sendPage } from './routes/deps.ts';
import { registerEntityRoutes } from './routes/entities.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerSignInRoutes } from './routes/sign-in.ts';
import { CSRF_COOKIE, sessionIdOf, SessionStore } from './session/index.ts';
import { messagePage } from './views/message-page.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A console route that answers without a session: the sign-in page and the stylesheet and script it uses. */
    consolePublic?: boolean;
    /**
     * A console route that a page's script calls (a live run's events, an entity picker's search): without a
     * session it is refused with 401, not sent to the sign-in page, which a script could not show.
     */
    consoleData?: boolean;
  }
}

export interface ConsoleOptions {
  ctx: CatalogContext;
  credentials: Credentials;
  warn?: ((message: string) => void) | undefined;
  /** Failed credential attempts per address, shared with the token route; a counter of its own when absent. */
  failedAttempts?: FailedAttempts | undefined;
}

/**
 * Pages are this server's own markup, scripts and styles: nothing inline, nothing from elsewhere, so an escaping
 * mistake still could not run a script.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // The run page's live log (server-sent events) and the entity pickers' searches.
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The web console of the embedded catalog, registered at the server's root (its routes carry the /console prefix).
 * Everything but the sign-in page and its assets needs a session: a GET is sent to the sign-in page, anything else
 * is refused with 401; every form is CSRF-protected.
 */
export async function consoleRoutes(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const deps: ConsoleDeps = {
    ctx: options.ctx,
    credentials: options.credentials,
    sessions: new SessionStore(),
    warn: options.warn ?? ((message) => app.log.warn(message)),
    failedAttempts: options.failedAttempts ?? new FailedAttempts(DEFAULT_FAILED_ATTEMPTS),
  };
  // Sessions live in this process's memory, so a key of this process signs their cookies.
  await app.register(fastifyCookie, { secret: randomBytes(32) });
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  await app.register(fastifyCsrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: consolePaths.home, httpOnly: true, sameSite: 'strict', signed: true },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.headers({
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    if (request.routeOptions.config?.consolePublic) return;
    if (deps.sessions.isLive(sessionIdOf(request, reply), Date.now())) return;
    if ((request.method === 'GET' || request.method === 'HEAD') && !request.routeOptions.config?.consoleData) {
      return reply.redirect(`${consolePaths.signIn}?next=${encodeURIComponent(request.url)}`, 303);
    }
    return sendPage(reply, messagePage('Not signed in', 'Sign in to the console first.'), 401);
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    // The page keeps its sign-out button only for a person still signed in.
    const signedIn = deps.sessions.isLive(sessionIdOf(request, reply), Date.now());
    return sendError(error, request, reply, signedIn);
  });
  // Under /console only: the server's other paths keep their own 404 (the API's envelope).
  await app.register(
    async (scope) => {
      scope.setNotFoundHandler((request, reply) =>
        sendPage(reply, messagePage('Not found', `Nothing at ${request.url.split('?')[0]}.`, csrfTokenFor(reply)), 404),
      );
    },
    { prefix: consolePaths.home },
  );

  registerAssetRoutes(app);
  registerSignInRoutes(app, deps);
  registerBlueprintRoutes(app, deps);
  registerEntityRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerActionRoutes(app, deps);
  app.get(consolePaths.home, async (_request, reply) => reply.redirect(consolePaths.blueprints, 303));
}

/** An error as a page saying what went wrong, with the status the API would answer. */
function sendError(
  error: FastifyError | ApiError,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: boolean,
): FastifyReply {
  const status = error instanceof ApiError ? error.status : (error.statusCode ?? 500);
  if (status >= 500) request.log.error({ err: error }, 'console request failed');
  const message = messageOf(error, status);
  const title = status === 404 ? 'Not found' : status === 403 ? 'Refused' : status >= 500 ? 'Failed' : 'Not possible';
  return sendPage(reply, messagePage(title, message, signedIn ? csrfTokenFor(reply) : undefined), status);
}

function messageOf(error: FastifyError | ApiError, status: number): string {
  if (error instanceof ApiError) return error.message;
  if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN') {
    return 'The form was not sent by a page of this console, or it expired: reload the page and try again.';
  }
  if (status >= 500) return 'The console failed; the server log has the details.';
  return error.message;
}
