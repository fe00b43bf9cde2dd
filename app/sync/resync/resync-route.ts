/**
 * `POST /api/resync` starts a full resync on demand: of every installation, or with `{"owner": "acme"}` of one.
 * The answer (202) lists a ticket per installation: `started`, `queued` (one runs on this replica; another
 * follows it) or `running` (one runs on another replica: none is started). `GET /api/resync/{id}` answers how a
 * resync went. Both take the Port client secret as a bearer token
 * (`Authorization: Bearer $PORT_CLIENT_SECRET`): whoever holds it can already rewrite the whole catalog, and no
 * other secret has to be set up, shared or rotated. The comparison takes the same time whatever the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FailedAttempts } from '../../../src/throttle/index.ts';
import type { GithubAccess } from '../../github/index.ts';
import type { CatalogSync } from '../catalog-sync.ts';

export const RESYNC_PATH = '/api/resync';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** True when the request carries `Authorization: Bearer <secret>`. */
export function hasBearer(authorization: string | undefined, secret: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  // Digests have one length, so timingSafeEqual never throws and the token's length leaks nothing either.
  return match !== null && timingSafeEqual(digest(match[1]!.trim()), digest(secret));
}

export async function resyncRoute(
  app: FastifyInstance,
  options: {
    secret: string;
    sync: () => CatalogSync | undefined;
    /** The App's GitHub access; undefined while the App is off. */
    github: () => GithubAccess | undefined;
    /** Where failed attempts are reported (never with the token). */
    warn?: ((message: string) => void) | undefined;
  },
): Promise<void> {
  const failures = new FailedAttempts();
  const warn = options.warn ?? ((message: string) => app.log.warn(message));

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  const guard = (request: FastifyRequest, reply: FastifyReply): CatalogSync | undefined => {
    // Refused before the token is compared, so a source over its limit learns nothing from further guesses.
    const retryAfter = failures.retryAfter(request.ip, Date.now());
    if (retryAfter !== undefined) {
      void reply
        .status(429)
        .header('retry-after', String(retryAfter))
        .send({ ok: false, error: 'rate_limit_exceeded', message: failures.describeRefusal(request.ip, retryAfter) });
      return undefined;
    }
    if (!hasBearer(request.headers.authorization, options.secret)) {
      failures.fail(request.ip, Date.now());
      warn(`${request.method} ${request.url.split('?')[0]}: wrong or missing bearer token from ${request.ip}`);
      void reply.status(401).header('www-authenticate', 'Bearer').send({
        ok: false,
        error: 'unauthorized',
        message: 'send the Port client secret as "Authorization: Bearer <secret>"',
      });
      return undefined;
    }
    const sync = options.sync();
    if (!sync || !options.github()) {
      void reply.status(503).send({
        ok: false,
        error: 'github_app_off',
        message: 'catalog sync needs the GitHub App: set APP_ID, PRIVATE_KEY and WEBHOOK_SECRET',
      });
      return undefined;
    }
    return sync;
  };

  app.post(RESYNC_PATH, async (request, reply) => {
    const sync = guard(request, reply);
    if (!sync) return reply;
    let owner: string | undefined;
    const text = typeof request.body === 'string' ? request.body.trim() : '';
    if (text !== '') {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return reply.status(400).send({ ok: false, error: 'bad_request', message: 'the body is not JSON' });
      }
      const given = (body as { owner?: unknown } | null)?.owner;
      if (given !== undefined && (typeof given !== 'string' || given === '')) {
        return reply.status(422).send({
          ok: false,
          error: 'invalid_request',
          message: '"owner" must be the login of an organization or user',
        });
      }
      owner = given;
    }
    if (owner === undefined) {
      const resyncs = await sync.resyncs.requestAll('on demand');
      return reply.status(202).send({ ok: true, resyncs });
    }
    const installationId = await options.github()!.installationFor(owner);
    if (installationId === undefined) {
      return reply
        .status(404)
        .send({ ok: false, error: 'not_found', message: `the GitHub App is not installed on "${owner}"` });
    }
    const ticket = await sync.resyncs.request(installationId, owner, 'on demand', 'skip');
    return reply.status(202).send({ ok: true, resyncs: [ticket] });
  });

  app.get<{ Params: { id: string } }>(`${RESYNC_PATH}/:id`, async (request, reply) => {
    const sync = guard(request, reply);
    if (!sync) return reply;
    const resync = /^\d+$/.test(request.params.id) ? await sync.store.resync(Number(request.params.id)) : undefined;
    if (!resync) {
      return reply.status(404).send({ ok: false, error: 'not_found', message: `no resync ${request.params.id}` });
    }
    return { ok: true, resync };
  });
}
