import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { secretsEqual } from '../../auth/index.ts';
import { consolePaths, consoleReturnPath } from '../paths.ts';
import { clearConsoleCookies, sessionIdOf, setSessionCookie } from '../session/index.ts';
import { signInPage } from '../views/sign-in-page.ts';
import { type ConsoleDeps, csrfTokenFor, sendPage } from './deps.ts';

/** A field the form did not send as one string (missing, repeated, too long) is empty: wrong, like a typo. */
const field = z.string().max(1000).catch('');

const signInFormSchema = z.object({
  clientId: field,
  clientSecret: field,
  next: z.string().optional().catch(undefined),
});

/** Sign-in (public: the only page that answers without a session) and sign-out. */
export function registerSignInRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  // The token route's counter (src/throttle): a source over the limit is refused before comparing, on either route.
  const failures = deps.failedAttempts;

  app.get<{ Querystring: { next?: string; signedOut?: string } }>(
    consolePaths.signIn,
    { config: { consolePublic: true } },
    async (request, reply) => {
      const form = { csrfToken: csrfTokenFor(reply), next: consoleReturnPath(request.query.next) };
      const notice = request.query.signedOut !== undefined ? 'You are signed out.' : undefined;
      return sendPage(reply, signInPage({ ...form, notice }));
    },
  );

  app.post(
    consolePaths.signIn,
    { config: { consolePublic: true }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const form = signInFormSchema.parse(
        typeof request.body === 'object' && request.body !== null ? request.body : {},
      );
      const next = consoleReturnPath(form.next);
      const again = (status: number, problem: string) =>
        sendPage(reply, signInPage({ csrfToken: csrfTokenFor(reply), next, clientId: form.clientId, problem }), status);
      const retryAfter = failures.retryAfter(request.ip, Date.now());
      if (retryAfter !== undefined) {
        void reply.header('retry-after', String(retryAfter));
        return again(429, `Too many failed sign-ins from this address: try again in ${retryAfter} s.`);
      }
      // The catalog's own check, both compared always, as the token route does.
      const idMatches = secretsEqual(form.clientId, deps.credentials.clientId);
      const secretMatches = secretsEqual(form.clientSecret, deps.credentials.clientSecret);
      if (!idMatches || !secretMatches) {
        failures.fail(request.ip, Date.now());
        deps.warn(
          `console sign-in: wrong credentials for client id ${JSON.stringify(form.clientId)} from ${request.ip}`,
        );
        return again(401, 'The client id or the client secret is wrong.');
      }
      // A session that was there before is ended: a fixed id planted before sign-in is worth nothing after it.
      deps.sessions.end(sessionIdOf(request, reply));
      setSessionCookie(request, reply, deps.sessions.start(Date.now()));
      return reply.redirect(next, 303);
    },
  );

  app.post(consolePaths.signOut, { preHandler: app.csrfProtection }, async (request, reply) => {
    deps.sessions.end(sessionIdOf(request, reply));
    clearConsoleCookies(request, reply);
    return reply.redirect(`${consolePaths.signIn}?signedOut`, 303);
  });
}
